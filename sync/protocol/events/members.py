"""Members: registered, edited, deactivated, reactivated (the member travels whole, with
its version, so a desk keeps the newest)."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    Count,
    Moment,
    Payload,
    Text4,
    Text20,
    Text50,
    Text60,
    Text64,
    Text100,
    Text120,
    Text200,
    Version,
    declare,
)


class MemberPayload(Payload, frozen=True, kw_only=True):
    """A member as the registering desk holds it: never an ID number, only its keyed hash.

    ``name_keys``/``name_sort``/``keys_version``: the search keys the desk computed (a desk
    pulling 200,000 members does not compute pinyin for each when the version matches).
    """

    member_number: Text20
    name: Text50
    name_keys: tuple[Text60, ...] = ()
    name_sort: Text120 = ""
    keys_version: Count = 0
    phone: Text20 | None = None
    occupation: Text100 = ""
    employer: Text100 = ""
    union_branch: Text100 = ""
    tags: tuple[Text100, ...] = ()
    id_hash: Text64 | None = None
    id_last4: Text4 | None = None
    consent_at: Moment | None = None
    active: bool = True
    deactivated_reason: Text200 | None = None
    version: Version = 1


MEMBER_REGISTERED = declare(
    "member.registered", MemberPayload, author=Author.DESK, dataset="members"
)
MEMBER_UPDATED = declare("member.updated", MemberPayload, author=Author.DESK, dataset="members")
MEMBER_DEACTIVATED = declare(
    "member.deactivated", MemberPayload, author=Author.DESK, dataset="members"
)
MEMBER_REACTIVATED = declare(
    "member.reactivated", MemberPayload, author=Author.DESK, dataset="members"
)
MEMBER_KINDS = (MEMBER_REGISTERED, MEMBER_UPDATED, MEMBER_DEACTIVATED, MEMBER_REACTIVATED)

"""Members: register, find likely duplicates, edit (versioned), deactivate."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, DuplicateHint, Member, Role
from desktop.domain.people import (
    format_member_number,
    id_last4,
    id_number_hash,
    normalise_id_number,
    normalise_member_number,
    normalise_name,
    normalise_phone,
    phone_tail,
)
from desktop.domain.pinyin import name_search_keys, name_search_keys_and_sort_key, sort_key
from desktop.services.cards import identity
from desktop.services.desk.operators import require_role
from desktop.storage.members.repositories import MemberRepository, to_member
from desktop.storage.members.tables import MemberRow
from desktop.storage.uow import UnitOfWork
from sync.protocol.events.members import (
    MEMBER_DEACTIVATED,
    MEMBER_REACTIVATED,
    MEMBER_REGISTERED,
    MEMBER_UPDATED,
    MemberPayload,
)

FREE_TEXT_MAX = 100
MAX_TAGS = 20
TAG_MAX = 30


@dataclass(frozen=True)
class MemberForm:
    """What a desk types to register or edit a member. Raw text: the service normalises."""

    name: str
    phone: str = ""
    occupation: str = ""
    employer: str = ""
    union_branch: str = ""
    tags: tuple[str, ...] = ()
    id_number: str = ""  # typed only; never stored in the clear
    # The person agreed to the use of their data (True), withdrew it (False), or, when
    # editing, nothing was said (None: keep what is on file).
    consent: bool | None = None
    clear_id_number: bool = False  # editing: remove the ID number on file


@dataclass(frozen=True)
class CleanMember:
    name: str
    phone: str | None
    occupation: str
    employer: str
    union_branch: str
    tags: tuple[str, ...]
    id_hash: str | None
    id_last4: str | None
    consent: bool
    problems: tuple[InvalidInput, ...] = field(default=())


def _free_text(value: str, field_name: str) -> str:
    value = " ".join(value.split())
    if len(value) > FREE_TEXT_MAX:
        raise InvalidInput("member.text_too_long", field=field_name, max=FREE_TEXT_MAX)
    return value


def clean_form(form: MemberForm, key: bytes) -> CleanMember:
    """Normalise every field; raise the first problem (each names its field)."""
    name = normalise_name(form.name)
    phone = normalise_phone(form.phone) if form.phone.strip() else None
    number = normalise_id_number(form.id_number) if form.id_number.strip() else None
    tags = tuple(dict.fromkeys(t for t in (" ".join(t.split()) for t in form.tags) if t))
    if len(tags) > MAX_TAGS:
        raise InvalidInput("member.too_many_tags", field="tags", max=MAX_TAGS)
    if any(len(tag) > TAG_MAX for tag in tags):
        raise InvalidInput("member.tag_too_long", field="tags", max=TAG_MAX)
    if (phone or number) and not form.consent:
        raise InvalidInput("member.consent_required", field="consent")
    return CleanMember(
        name=name,
        phone=phone,
        occupation=_free_text(form.occupation, "occupation"),
        employer=_free_text(form.employer, "employer"),
        union_branch=_free_text(form.union_branch, "union_branch"),
        tags=tags,
        id_hash=id_number_hash(number, key) if number else None,
        id_last4=id_last4(number) if number else None,
        consent=bool(form.consent),
    )


# Search keys travel with a member's events so that a desk pulling 200,000 members does not
# compute pinyin for each; bump this when name_search_keys changes (desks then recompute).
KEYS_VERSION = 1


@lru_cache(maxsize=50_000)
def name_keys(name: str) -> tuple[str, ...]:
    """The search keys of a name alone (without the member number), sorted."""
    return tuple(sorted(search_keys(name, "")))


def search_keys(name: str, member_number: str) -> set[str]:
    """Everything a person may start typing to find this member."""
    return _search_keys(name_search_keys(name), name, member_number)


def _search_keys(readings: set[str], name: str, member_number: str) -> set[str]:
    keys = set(readings)
    lowered = name.lower()
    keys.add(lowered)
    if len(lowered) >= 2:
        keys.add(lowered[1:])  # the given name, for a one-character surname
    keys.add(normalise_member_number(member_number).lower())
    return {k[:60] for k in keys if k}


def find_duplicates(
    uow: UnitOfWork, name: str, phone: str = "", id_number: str = "", exclude_id: str = ""
) -> list[DuplicateHint]:
    """Existing members who may be this person: same phone, same ID hash, same name + tail.

    Lenient: fields that do not parse yet (the person is still typing) are skipped.
    """
    found: dict[str, tuple[Member, list[str]]] = {}

    def note(members: list[Member], reason: str) -> None:
        for member in members:
            if member.id != exclude_id:
                found.setdefault(member.id, (member, []))[1].append(reason)

    with uow.reading():
        clean_phone = _try(normalise_phone, phone)
        clean_name = _try(normalise_name, name)
        clean_id = _try(normalise_id_number, id_number)
        if clean_phone:
            note(uow.repo(MemberRepository).by_phone(clean_phone), "phone")
        if clean_id:
            note(same_id_number(uow, clean_id), "id_number")
        tail = phone_tail(clean_phone) if clean_phone else ""
        if clean_name and tail:
            note(
                uow.repo(MemberRepository).by_name_and_phone_tail(clean_name, tail),
                "name_phone_tail",
            )
    return [DuplicateHint(member, tuple(reasons)) for member, reasons in found.values()]


def same_id_number(uow: UnitOfWork, id_number: str) -> list[Member]:
    """Members with this (normalised) ID number: hashed with the key in use and, on a desk
    that enrolled after registering people, with its own earlier key."""
    for key in (uow.id_hash_key, *uow.older_id_hash_keys):
        found = uow.repo(MemberRepository).by_id_hash(id_number_hash(id_number, key))
        if found:
            return found
    return []


def _try(normalise: Callable[[str], str], raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return normalise(raw)
    except InvalidInput:
        return ""


def name_keys_and_sort_key(name: str) -> tuple[tuple[str, ...], str]:
    """`name_keys` and `sort_key` of a name from one pinyin reading of it: for bulk writers
    (the demo data), which need both for each new name."""
    readings, sort = name_search_keys_and_sort_key(name)
    return tuple(sorted(_search_keys(readings, name, ""))), sort


def payload_of(row: MemberRow, keys: Sequence[str] | None = None) -> MemberPayload:
    """What the outbox carries of a member: never an ID number, only its keyed hash; the
    derived search keys too (``keys`` when the caller has them already)."""
    return MemberPayload(
        name_keys=tuple(keys if keys is not None else name_keys(row.name)),
        name_sort=row.name_sort,
        keys_version=KEYS_VERSION,
        member_number=row.member_number,
        name=row.name,
        phone=row.phone,
        occupation=row.occupation,
        employer=row.employer,
        union_branch=row.union_branch,
        tags=tuple(json.loads(row.tags)),
        id_hash=row.id_hash,
        id_last4=row.id_last4,
        consent_at=row.consent_at,
        active=row.active,
        deactivated_reason=row.deactivated_reason,
        version=row.version,
    )


def register_member(
    form: MemberForm, uow: UnitOfWork, ctx: DeskContext, confirm_duplicates: bool = False
) -> Member:
    """Register a new member and give them a member number made on this device.

    The same ID number twice is refused outright; the same phone number needs
    ``confirm_duplicates`` (two family members may share one phone).
    """
    clean = clean_form(form, uow.id_hash_key)
    with uow:
        if clean.id_hash:
            same = same_id_number(uow, normalise_id_number(form.id_number))
            if same:
                raise RuleViolation(
                    "member.duplicate_id", name=same[0].name, number=same[0].member_number
                )
        if clean.phone and not confirm_duplicates:
            same = uow.repo(MemberRepository).by_phone(clean.phone)
            if same:
                raise RuleViolation(
                    "member.duplicate_phone", name=same[0].name, number=same[0].member_number
                )
        device = uow.device.get()
        if device is None:
            raise RuleViolation("setup.required")
        at = to_iso(uow.now())
        number = format_member_number(device.code, uow.device.take_member_seq())
        row = MemberRow(
            id=new_id(),
            member_number=number,
            name=clean.name,
            name_sort=sort_key(clean.name),
            phone=clean.phone,
            phone_tail=phone_tail(clean.phone) if clean.phone else None,
            occupation=clean.occupation,
            employer=clean.employer,
            union_branch=clean.union_branch,
            tags=json.dumps(list(clean.tags), ensure_ascii=False),
            id_hash=clean.id_hash,
            id_last4=clean.id_last4,
            consent_at=at if clean.consent else None,
            active=True,
            deactivated_reason=None,
            version=1,
            station_id=ctx.station_id,
            device_id=ctx.device_id,
            operator_id=ctx.operator_id,
            device_time=at,
            updated_at=at,
        )
        uow.repo(MemberRepository).add(row, search_keys(row.name, number))
        uow.repo(MemberRepository).add_revision(row, ctx.operator_id, at)
        uow.outbox.append(MEMBER_REGISTERED, row.id, payload_of(row), ctx, at)
        uow.commit()
        return to_member(row)


def update_member(
    member_id: str,
    form: MemberForm,
    expected_version: int,
    uow: UnitOfWork,
    ctx: DeskContext,
    confirm_duplicates: bool = False,
) -> Member:
    """Save an edit as a new version. An empty ID number keeps the one on file.

    A phone newly set to another member's number needs ``confirm_duplicates``, as at
    registration.
    """
    with uow:
        row = uow.repo(MemberRepository).row(member_id)
        if row is None:
            raise NotFound("member.not_found", ref=member_id)
        if row.version != expected_version:
            raise RuleViolation("member.changed_meanwhile", name=row.name)
        id_on_file = row.id_hash is not None and not form.clear_id_number
        withdrawn = form.consent is False and row.consent_at is not None
        if withdrawn and (form.phone.strip() or id_on_file):
            # Withdrawn consent must take effect, not be ignored: the data goes first.
            raise RuleViolation("member.consent_withdraw")
        consent = (row.consent_at is not None) if form.consent is None else form.consent
        clean = clean_form(replace(form, consent=consent), uow.id_hash_key)
        if clean.id_hash and clean.id_hash != row.id_hash:
            same = [
                m
                for m in same_id_number(uow, normalise_id_number(form.id_number))
                if m.id != row.id
            ]
            if same:
                raise RuleViolation(
                    "member.duplicate_id", name=same[0].name, number=same[0].member_number
                )
        if clean.phone and clean.phone != row.phone and not confirm_duplicates:
            same = [m for m in uow.repo(MemberRepository).by_phone(clean.phone) if m.id != row.id]
            if same:
                raise RuleViolation(
                    "member.duplicate_phone", name=same[0].name, number=same[0].member_number
                )
        at = to_iso(uow.now())
        row.name = clean.name
        row.name_sort = sort_key(clean.name)
        row.phone = clean.phone
        row.phone_tail = phone_tail(clean.phone) if clean.phone else None
        row.occupation = clean.occupation
        row.employer = clean.employer
        row.union_branch = clean.union_branch
        row.tags = json.dumps(list(clean.tags), ensure_ascii=False)
        if clean.id_hash:
            row.id_hash, row.id_last4 = clean.id_hash, clean.id_last4
        elif form.clear_id_number:
            row.id_hash, row.id_last4 = None, None
        if row.consent_at is None and clean.consent:
            row.consent_at = at
        elif not clean.consent:
            row.consent_at = None
        row.version += 1
        row.updated_at = at
        uow.repo(MemberRepository).replace_keys(row.id, search_keys(row.name, row.member_number))
        uow.repo(MemberRepository).add_revision(row, ctx.operator_id, at)
        uow.outbox.append(MEMBER_UPDATED, row.id, payload_of(row), ctx, at)
        uow.commit()
        return to_member(row)


def set_member_active(
    member_id: str, active: bool, reason: str, uow: UnitOfWork, ctx: DeskContext
) -> Member:
    """Deactivate (with a reason) or reactivate a member. Station leads and admins only."""
    require_role(ctx, Role.LEAD)
    reason = " ".join(reason.split())
    if not active and not reason:
        raise InvalidInput("member.reason_required", field="reason")
    with uow:
        row = uow.repo(MemberRepository).row(member_id)
        if row is None:
            raise NotFound("member.not_found", ref=member_id)
        at = to_iso(uow.now())
        row.active = active
        row.deactivated_reason = None if active else reason[:200]
        row.version += 1
        row.updated_at = at
        uow.repo(MemberRepository).add_revision(row, ctx.operator_id, at)
        kind = MEMBER_REACTIVATED if active else MEMBER_DEACTIVATED
        uow.outbox.append(kind, row.id, payload_of(row), ctx, at)
        uow.commit()
        return to_member(row)


def resolve_member(uow: UnitOfWork, ref: str) -> Member:
    """A member from what identifies exactly one: id, member number, card text, full phone."""
    text = ref.strip()
    if not text:
        raise InvalidInput("member.ref_empty", field="ref")
    if len(text) > 60 and identity.looks_like_ours(text):  # a member card (or a damaged one)
        return identity.member_from_card(uow, text)
    with uow.reading():
        member = uow.repo(MemberRepository).get(text) if len(text) == 36 else None
        if member is None:
            member = uow.repo(MemberRepository).by_number(_canonical_number(text))
        if member is None:
            phone = _try(normalise_phone, text)
            if phone:
                matches = uow.repo(MemberRepository).by_phone(phone)
                if len(matches) > 1:
                    raise RuleViolation("member.ambiguous_phone", count=len(matches))
                member = matches[0] if matches else None
        if member is None:
            raise NotFound("member.not_found", ref=text[:40])
        return member


def _canonical_number(text: str) -> str:
    try:
        compact = normalise_member_number(text)
    except InvalidInput:
        return ""
    if len(compact) <= 6:
        return compact
    return format_member_number(compact[:6], int(compact[6:])) if compact[6:].isdigit() else ""


def merge_members(uow: UnitOfWork, merge_from: str, merge_into: str) -> None:
    """Hide one record behind the other; nothing is deleted (visits stay with their ids)."""
    merged = uow.repo(MemberRepository).row(merge_from)
    kept = uow.repo(MemberRepository).row(merge_into)
    if merged is None or kept is None:
        return
    merged.merged_into = merge_into
    uow.repo(MemberRepository).replace_keys(merge_from, ())

"""A handout beyond the campaign's limits, made at one desk while another desk (offline) had
already handed out to the same person: both are kept; one conflict names both.

Works from event payloads only: a handout event carries its campaign's limits
(``limits``: max_per_person, max_per_day, not_combinable_with). The desk checked its own
handouts and those it had pulled; only handouts from *other* desks make a conflict here. A
handout a station lead overrode at the desk was given knowingly and opens none.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import ConflictKind
from sync.protocol.events.aid import (
    HANDOUT_RECORDED,
    HANDOUT_VOIDED,
    HandoutLimits,
    HandoutRecorded,
    HandoutVoided,
)
from sync.server.models import DeviceRow, HandoutIndexRow
from sync.server.rules.engine import (
    Accepted,
    event_row,
    open_conflict,
    record_of,
    rule,
    stored_payload,
)
from sync.server.signing import ServerKey


def _summary(handout: HandoutRecorded) -> dict[str, Any]:
    """What a desk shows of each handout (no personal data beyond the member number); ``name``
    is what the desks' conflict list shows first: here the campaign."""
    return {
        "name": handout.campaign_name,
        "campaign_id": handout.campaign_id,
        "campaign_name": handout.campaign_name,
        "member_number": handout.member_number,
        "items": msgspec.to_builtins(handout.items),
        "desk": handout.desk,
        "operator_name": handout.operator_name,
        "local_date": handout.local_date,
        "collector_number": handout.collector_number,
    }


def _standing(session: Session, member_id: str, campaign_ids: list[str]) -> list[HandoutIndexRow]:
    query = (
        select(HandoutIndexRow)
        .where(
            HandoutIndexRow.member_id == member_id,
            HandoutIndexRow.campaign_id.in_(campaign_ids),
            HandoutIndexRow.voided.is_(False),
        )
        .order_by(HandoutIndexRow.server_seq)
    )
    return list(session.scalars(query))


def _broken(
    session: Session, this: HandoutIndexRow, limits: HandoutLimits
) -> tuple[str, dict[str, Any], list[HandoutIndexRow]] | None:
    """The rule this handout breaks, its figures, and the other handouts it clashes with."""
    mine = [h for h in _standing(session, this.member_id, [this.campaign_id])]
    others = [h for h in mine if h.handout_id != this.handout_id]
    limit = limits.max_per_person
    if limit is not None and len(mine) > limit:
        return "max_per_person", {"limit": limit, "count": len(mine)}, others
    day_limit = limits.max_per_day
    same_day = [h for h in others if h.local_date == this.local_date]
    if day_limit is not None and len(same_day) + 1 > day_limit:
        return "max_per_day", {"limit": day_limit, "count": len(same_day) + 1}, same_day
    excluded = list(limits.not_combinable_with)
    if excluded:
        clashing = _standing(session, this.member_id, excluded)
        if clashing:
            return "not_combinable", {"other_campaign_id": clashing[-1].campaign_id}, clashing
    return None


@rule(HANDOUT_RECORDED)
def handout_limits(
    session: Session, device: DeviceRow, accepted: list[Accepted[HandoutRecorded]], key: ServerKey
) -> None:
    for item in accepted:
        handout = item.payload
        member_id, campaign_id = handout.member_id, handout.campaign_id
        if session.get(HandoutIndexRow, item.event.entity_id) is not None:
            continue
        this = HandoutIndexRow(
            handout_id=item.event.entity_id,
            event_id=item.event.event_id,
            member_id=member_id,
            campaign_id=campaign_id,
            device_id=device.id,
            local_date=handout.local_date,
            server_seq=item.server_seq,
            voided=False,
        )
        session.add(this)
        session.flush()
        if handout.override is not None or handout.limits is None:
            continue
        broken = _broken(session, this, handout.limits)
        if broken is None:
            continue
        which, figures, clashing = broken
        elsewhere = [h for h in clashing if h.device_id != device.id]
        if not elsewhere:
            continue  # only this desk's own handouts: it knew them when it handed out
        other = elsewhere[-1]
        earlier = event_row(session, other.event_id)
        earlier_handout = stored_payload(earlier)
        assert isinstance(earlier_handout, HandoutRecorded)
        first = record_of(session, earlier, _summary(earlier_handout))
        second = record_of(session, event_row(session, item.event.event_id), _summary(handout))
        open_conflict(
            session,
            key,
            ConflictKind.HANDOUT_LIMIT,
            "|".join(sorted((other.handout_id, this.handout_id))),
            first,
            second,
            {
                "rule": which,
                **figures,
                "member_id": member_id,
                "campaign_id": campaign_id,
                "campaign_name": handout.campaign_name,
                "handouts": [other.handout_id, this.handout_id],
            },
        )


@rule(HANDOUT_VOIDED)
def handout_voided(
    session: Session, device: DeviceRow, accepted: list[Accepted[HandoutVoided]], key: ServerKey
) -> None:
    """A voided handout no longer counts against the person's limits."""
    for item in accepted:
        row = session.get(HandoutIndexRow, item.payload.handout_id)
        if row is not None:
            row.voided = True
    session.flush()

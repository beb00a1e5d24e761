"""Plain types of the desk: stations, operators, members, visits. No I/O, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class StationKind(StrEnum):
    STATION = "station"  # 驿站 / 服务站
    EVENT = "event"  # 活动签到台


class Role(StrEnum):
    ATTENDANT = "attendant"  # 值班员
    LEAD = "lead"  # 站长
    ADMIN = "admin"  # 管理员

    @property
    def rank(self) -> int:
        return {Role.ATTENDANT: 0, Role.LEAD: 1, Role.ADMIN: 2}[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


# Services a visitor may use; the station chooses which to offer (settings).
SERVICES: tuple[str, ...] = (
    "water",
    "rest",
    "charging",
    "warmth",
    "microwave",
    "toilet",
    "first_aid",
    "health_check",
    "legal_advice",
    "counselling",
    "reading",
    "other",
)

DEFAULT_OCCUPATIONS: tuple[str, ...] = (
    "快递员",
    "外卖骑手",
    "网约车司机",
    "货车司机",
    "家政服务员",
    "保安",
    "环卫工人",
    "其他",
)

DEFAULT_TAGS: tuple[str, ...] = ("困难职工", "新就业形态劳动者", "劳模")


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    kind: StationKind
    union_name: str


@dataclass(frozen=True)
class Device:
    id: str
    code: str  # prefix of member numbers made here
    station: Station


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    role: Role
    active: bool


@dataclass(frozen=True)
class DeskContext:
    """Who records, where: every record carries these."""

    station_id: str
    device_id: str
    operator_id: str
    operator_role: Role = Role.ATTENDANT


@dataclass(frozen=True)
class Member:
    id: str
    member_number: str
    name: str
    phone: str | None
    occupation: str
    employer: str
    union_branch: str
    tags: tuple[str, ...]
    id_last4: str | None
    id_hash: str | None
    consent_at: str | None
    active: bool
    deactivated_reason: str | None
    version: int
    registered_at: str
    station_id: str


@dataclass(frozen=True)
class Visit:
    id: str
    member_id: str | None
    member_name: str | None
    member_number: str | None
    occupation: str | None
    services: tuple[str, ...]
    device_time: str
    operator_name: str
    voided: bool = False
    void_reason: str | None = None


@dataclass(frozen=True)
class DuplicateHint:
    """An existing member who may be the person being registered, and why we think so."""

    member: Member
    reasons: tuple[str, ...]  # "phone", "id_number", "name_phone_tail"


@dataclass(frozen=True)
class TodaySummary:
    date: str
    visits: int
    people: int
    anonymous: int
    per_service: dict[str, int] = field(default_factory=dict)

"""What the printing library is given: plain, frozen data, no ORM objects, no widgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

DEFAULT_BACK_LINES: tuple[str, ...] = (
    "凭本卡可在任一工会驿站签到、领取服务。",
    "到站时出示二维码，由工作人员扫码登记。",
    "本卡仅限本人使用，不得转借；遗失请到驿站挂失补办。",
)


@dataclass(frozen=True)
class CardFace:
    union_name: str
    station_name: str
    member_name: str
    member_number: str
    occupation: str
    issue_date: date
    qr_text: str
    serial: int = 1


@dataclass(frozen=True)
class CardBack:
    hotline: str = "12351"
    lines: tuple[str, ...] = DEFAULT_BACK_LINES
    return_note: str = "拾到请交回任一工会驿站"
    title: str = "使用说明"


@dataclass(frozen=True)
class Certificate:
    title: str  # 结业证书 / 培训证书 / 荣誉证书
    recipient: str
    for_text: str  # the purpose: a course, or a competition and its award
    hours: Decimal | int | None
    start: date | None
    end: date | None
    issuer: str  # the issuing union
    issued_on: date
    serial: str
    qr_text: str


@dataclass(frozen=True)
class SignInSheet:
    title: str
    subtitle: str
    people: tuple[tuple[str, str], ...]  # (name, member number)
    date: date | None = None


@dataclass(frozen=True)
class PrintOffsets:
    """Shift of the back side on a duplex A4 sheet, in mm, as seen looking at the back.

    Positive x moves the backs to the right, positive y moves them up. The calibration page
    prints scales whose readings are these numbers directly.
    """

    x_mm: float = 0.0
    y_mm: float = 0.0


NO_OFFSETS = PrintOffsets()

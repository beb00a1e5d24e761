"""From what the services hand back to what the printing library draws. Pure: no database.

The services' results (``cards.CardToPrint``, ``certificates.IssuedCertificate``) are
described here as protocols, by the attributes composing reads, rather than imported: the
printing package stays free of ``desktop.services`` and ``desktop.storage`` (and so of
SQLAlchemy), and any object of the right shape will do, a test's stand-in included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from desktop.domain.certificates import shown_hours
from desktop.domain.model import Station
from desktop.printing.documents import CardFace, Certificate, SignInSheet

SIGNIN_TITLE = "签到表"  # printed matter is in Chinese, like the card backs


class _Person(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def member_number(self) -> str: ...


class _CardHolder(_Person, Protocol):
    @property
    def occupation(self) -> str: ...


class CardResult(Protocol):
    """What ``cards.card_to_print`` returns, as far as a card face needs it."""

    @property
    def member(self) -> _CardHolder: ...

    @property
    def serial(self) -> int: ...

    @property
    def issued_on(self) -> str: ...  # YYYY-MM-DD

    @property
    def qr_text(self) -> str: ...


class _CertificateFields(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def recipient_name(self) -> str: ...

    @property
    def purpose(self) -> str: ...

    @property
    def hours(self) -> Decimal | int | None: ...

    @property
    def issued_on(self) -> date: ...

    @property
    def issuing_union(self) -> str: ...

    @property
    def starts_on(self) -> date | None: ...

    @property
    def ends_on(self) -> date | None: ...


class IssuedResult(Protocol):
    """What ``certificates.issue_certificate`` and ``certificates.certificate`` return."""

    @property
    def serial(self) -> str: ...

    @property
    def fields(self) -> _CertificateFields: ...

    @property
    def url(self) -> str: ...


def card_face(card: CardResult, station: Station) -> CardFace:
    """The front of ``card`` as printed at ``station`` (its union heads the card)."""
    return CardFace(
        union_name=station.union_name or "",  # none set: the station heads the card
        station_name=station.name,
        member_name=card.member.name,
        member_number=card.member.member_number,
        occupation=card.member.occupation,
        issue_date=date.fromisoformat(card.issued_on),
        qr_text=card.qr_text,
        serial=card.serial,
    )


def certificate_doc(issued: IssuedResult) -> Certificate:
    """The certificate as recorded and signed; its QR is the verification link."""
    fields = issued.fields
    return Certificate(
        title=fields.title,
        recipient=fields.recipient_name,
        for_text=fields.purpose,
        hours=shown_hours(fields.title, fields.hours),  # an honour states none
        start=fields.starts_on,
        end=fields.ends_on,
        issuer=fields.issuing_union,
        issued_on=fields.issued_on,
        serial=issued.serial,
        qr_text=issued.url,
    )


def signin_sheet(
    title: str, members: Iterable[_Person], day: date | None, subtitle: str = ""
) -> SignInSheet:
    """A sign-in sheet listing ``members`` in the order given, one row each."""
    return SignInSheet(
        title=" ".join(title.split()) or SIGNIN_TITLE,
        subtitle=subtitle,
        people=tuple((m.name, m.member_number) for m in members),
        date=day,
    )

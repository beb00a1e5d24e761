"""Card PDFs for the desk window: one member's card, or every card not printed yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.config import DeskSettings
from desktop.domain.model import DeskContext
from desktop.identity.keys import DeviceKeys
from desktop.services.cards import commands as cards
from desktop.services.certificates.commands import IssuedCertificate
from desktop.storage.cards.repositories import Cards
from desktop.storage.uow import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:  # ReportLab stays unloaded until something is printed
    from desktop.printing.documents import CardFace


def needs_reprint_reason(uow: UnitOfWork, member_id: str) -> bool:
    """Whether printing this member's card now is a reprint (which needs a reason)."""
    with uow.reading():
        card = uow.repo(Cards).current(member_id)
        return card is not None and card.printed_count > 0


def render_cards(faces: list[CardFace], layout: str, backs: bool, uow: UnitOfWork) -> bytes:
    """Card faces as a PDF: CR80 pages, or A4 sheets of 10 with this desk's back offsets."""
    from desktop.printing.cards import cards_a4, cards_cr80
    from desktop.printing.documents import CardBack, PrintOffsets

    if layout == "cr80":
        return cards_cr80(faces, CardBack() if backs else None)
    with uow.reading():
        offsets = PrintOffsets(
            DeskSettings.print_offset_x_mm.read(uow), DeskSettings.print_offset_y_mm.read(uow)
        )
    return cards_a4(faces, backs=backs, offsets=offsets, back=CardBack())


def cards_pdf(
    member_ids: list[str],
    factory: UnitOfWorkFactory,
    ctx: DeskContext,
    keys: DeviceKeys,
    reprint_reason: str = "",
) -> tuple[bytes, int]:
    """The PDF of these members' cards in the desk's layout, and how many cards it holds."""
    # ReportLab is loaded when something is printed, not at every start of the desk.
    from desktop.printing import compose

    uow = factory()
    with uow.reading():
        device = uow.device.get()
        layout = DeskSettings.card_layout.read(uow)
    assert device is not None
    faces = [
        compose.card_face(
            cards.card_to_print(m, factory(), ctx, keys, reprint_reason), device.station
        )
        for m in member_ids
    ]
    return render_cards(faces, layout, True, factory()), len(faces)


def auto_print_wanted(uow: UnitOfWork, member_id: str) -> str:
    """After registering: "never", "ask" or "always" — never again once a card was printed."""
    with uow.reading():
        mode = DeskSettings.auto_print_card.read(uow)
        card = uow.repo(Cards).current(member_id)
    return "never" if card is not None and card.printed_count > 0 else mode


def certificate_pdf_for(uow: UnitOfWork, issued: IssuedCertificate) -> bytes:
    """The certificate on the station's template (its own copy, or the default)."""
    from desktop.printing import compose
    from desktop.printing.certificates import certificate_pdf

    with uow.reading():
        template = DeskSettings.certificate_template.read(uow)
    document = compose.certificate_doc(issued)
    return certificate_pdf([document], template) if template else certificate_pdf([document])

"""The desk's real print path, driven to a PDF-writing QPrinter: paper size and orientation
per page, text that stays text, and what is recorded as printed after "print" and "cancel"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
from PySide6.QtCore import QMetaObject, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.domain.model import DeskContext, Member
from desktop.printing.cards import cards_cr80
from desktop.printing.certificates import certificate_pdf
from desktop.printing.documents import CardFace, Certificate
from desktop.services.members import commands as members
from ui import printing
from ui.members.list_screen import MembersScreen
from ui.printing import PdfPrintout
from ui.session.state import DeskSession

FACE = CardFace(
    union_name="测试区总工会",
    station_name="测试驿站",
    member_name="张三",
    member_number="7KQ3M2-0001",
    occupation="外卖骑手",
    issue_date=date(2026, 11, 23),
    qr_text="WS1:" + "A" * 141,
    serial=1,
)
CERTIFICATE = Certificate(
    title="结业证书",
    recipient="欧阳娜娜",
    for_text="电工技能提升培训班",
    hours=32,
    start=date(2026, 3, 1),
    end=date(2026, 3, 20),
    issuer="上海市浦东新区总工会",
    issued_on=date(2026, 3, 21),
    serial="C-7KQ3M2-0001",
    qr_text="https://verify.example.org/v/C-7KQ3M2-0001?s=" + "a" * 103,
)


def pdf_printer(out: Path, resolution: int = 0) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    if resolution:
        printer.setResolution(resolution)
    return printer


def sizes_mm(pdf: pypdfium2.PdfDocument) -> list[tuple[int, int]]:
    return [(round(p.get_width() / 72 * 25.4), round(p.get_height() / 72 * 25.4)) for p in pdf]


def image_widths(page: pypdfium2.PdfPage) -> set[int]:
    widths = set()
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        width, _height = item.get_px_size()
        widths.add(width)
    return widths


def test_a_pdf_printer_gets_the_vector_pdf_itself(qtbot: QtBot, tmp_path: Path) -> None:
    """Print to file: the certificate stays A4 landscape, its text stays text."""
    pdf = certificate_pdf([CERTIFICATE])
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    PdfPrintout(pdf).print_to(printer)
    printed = pypdfium2.PdfDocument(out.read_bytes())
    assert sizes_mm(printed) == [(297, 210)]  # A4, landscape
    words = printed[0].get_textpage().get_text_range()
    assert "欧阳娜娜" in words and "上海市浦东新区总工会" in words
    assert not image_widths(printed[0])  # no page-sized picture: vector, as made


def test_a_printer_gets_each_page_on_its_own_paper_at_its_resolution(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Painted (as for a real printer): a CR80 card page, then an A4-landscape page, each at
    actual size and orientation, rendered at the printer's resolution."""
    cards = PdfPrintout(cards_cr80([FACE]))
    assert cards.layout().orientation().name == "Landscape"
    out = tmp_path / "painted.pdf"
    printer = pdf_printer(out, resolution=300)
    printout = PdfPrintout(_two_sizes(tmp_path))
    printout.paint(printer)
    printed = pypdfium2.PdfDocument(out.read_bytes())
    assert sizes_mm(printed) == [(86, 54), (297, 210)]
    assert image_widths(printed[0]) == {round(85.6 / 25.4 * 300)}  # 300 dpi, not rescaled
    assert image_widths(printed[1]) == {round(297 / 25.4 * 300)}


def _two_sizes(folder: Path) -> bytes:
    """One PDF with a card page and a certificate page (pages of different paper)."""
    merged = pypdfium2.PdfDocument.new()
    merged.import_pages(pypdfium2.PdfDocument(cards_cr80([FACE])), [0])
    merged.import_pages(pypdfium2.PdfDocument(certificate_pdf([CERTIFICATE])), [0])
    path = folder / "two.pdf"
    merged.save(path)
    return path.read_bytes()


def test_file_names_are_sensible() -> None:
    assert (
        printing.file_name("会员卡（3 张）", date(2026, 12, 3)) == "会员卡（3-张）-2026-12-03.pdf"
    )
    assert printing.file_name('a/b:c*"', date(2026, 1, 2)) == "a-b-c-2026-01-02.pdf"
    assert printing.file_name("  ", date(2026, 1, 2)) == "waystation-2026-01-02.pdf"


# --- the preview dialog, driven as a person would ------------------------------------------


def _when_modal(kind: type, then: Callable[[object], None]) -> None:
    """Once a modal dialog of ``kind`` is up, do ``then`` with it (polled: exec() blocks)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            then(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def print_to_file(out: Path) -> None:
    """Press print in the preview, then in Qt's print dialog choose "print to file" here."""

    def to_file(dialog: object) -> None:
        assert isinstance(dialog, QPrintDialog)
        name = dialog.findChild(QLineEdit, "filename")
        suggested = Path(name.text())
        assert suggested.parent == printing.documents_folder() and suggested.suffix == ".pdf"
        name.setText(str(out))
        dialog.accept()

    def press_print(dialog: object) -> None:
        _when_modal(QPrintDialog, to_file)
        QMetaObject.invokeMethod(dialog, "_q_print")

    _when_modal(QPrintPreviewDialog, press_print)


def cancel_preview() -> None:
    _when_modal(QPrintPreviewDialog, lambda dialog: dialog.reject())  # type: ignore[attr-defined]


def test_preview_then_print_writes_the_pdf_and_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "exported.pdf"
    pdf = certificate_pdf([CERTIFICATE])
    print_to_file(out)
    assert printing.preview(None, pdf, "结业证书 欧阳娜娜") is True
    assert out.read_bytes() == pdf
    cancel_preview()
    assert printing.preview(None, pdf, "结业证书 欧阳娜娜") is False


def _card_events(session: DeskSession) -> list[tuple[str, str | None]]:
    with session.desk.uow().reading() as uow:
        rows = uow.session.execute(
            text("SELECT kind, reason FROM card_event WHERE kind != 'issued' ORDER BY rowid")
        )
        return [(kind, reason) for kind, reason in rows]


def _printed_counts(session: DeskSession) -> list[int]:
    with session.desk.uow().reading() as uow:
        return list(uow.session.scalars(text("SELECT printed_count FROM card ORDER BY rowid")))


def _register(session: DeskSession, ctx: DeskContext, name: str) -> Member:
    form = members.MemberForm(name=name, occupation="快递员", consent=True)
    return members.register_member(form, session.desk.uow(), ctx)


def test_cancelling_the_unprinted_batch_records_nothing_and_a_sent_one_asks_what_spoiled(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, tmp_path: Path
) -> None:
    people = [_register(session, ctx, name) for name in ("张三", "李四", "王五")]
    screen = MembersScreen(session)
    qtbot.addWidget(screen)
    screen.show()

    cancel_preview()
    screen.print_unprinted_button.click()
    assert _card_events(session) == [] and set(_printed_counts(session)) == {0}
    assert "未记录" in screen.notice.text()

    asked: list[int] = []

    def spoiled(job: object) -> list[str]:
        asked.append(len(job.cards))  # type: ignore[attr-defined]
        print_to_file(tmp_path / "again.pdf")  # the spoiled card goes straight to print
        return [people[1].id]

    screen.ask_spoiled = spoiled  # type: ignore[method-assign]
    print_to_file(tmp_path / "batch.pdf")
    screen.print_unprinted_button.click()
    assert asked == [3]  # asked once, for the batch; not again for the one reprint
    assert _card_events(session) == [("printed", None)] * 3 + [("reprinted", "批量打印时打坏")]
    assert sorted(_printed_counts(session)) == [1, 1, 2]
    assert (tmp_path / "batch.pdf").read_bytes().startswith(b"%PDF")
    assert len(pypdfium2.PdfDocument(tmp_path / "again.pdf")) == 2  # one card, front and back

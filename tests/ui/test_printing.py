"""The desk prints PDFs through Qt at actual size: checked by printing to Qt's PDF printer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from desktop.printing.cards import cards_cr80
from desktop.printing.documents import CardFace
from ui.printing import PdfPrintout


def test_a_card_pdf_prints_at_its_own_size(qtbot: QtBot, tmp_path: Path) -> None:
    face = CardFace(
        union_name="测试区总工会",
        station_name="测试驿站",
        member_name="张三",
        member_number="7KQ3M2-0001",
        occupation="外卖骑手",
        issue_date=date(2026, 11, 23),
        qr_text="WS1:" + "A" * 141,
        serial=1,
    )
    printout = PdfPrintout(cards_cr80([face, face]))
    assert printout.pages == 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printout.configure(printer)
    printout.paint(printer)

    printed = pypdfium2.PdfDocument(out.read_bytes())
    assert len(printed) == 2
    width, height = printed[0].get_size()  # points
    assert abs(width / 72 * 25.4 - 85.6) < 0.5 and abs(height / 72 * 25.4 - 54) < 0.5

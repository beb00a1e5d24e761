"""Preview and print a PDF made by desktop.printing, at actual size, through Qt's dialogs."""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.i18n import tr

log = logging.getLogger(__name__)

RENDER_DPI = 300  # plenty for QR modules of 0.4 mm; printer resolution would be too heavy


class PdfPrintout:
    """A PDF held in memory, its pages painted onto a printer at actual size."""

    def __init__(self, pdf: bytes) -> None:
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)

    @property
    def pages(self) -> int:
        return self.document.pageCount()

    def page_size(self, page: int = 0) -> QPageSize:
        points = self.document.pagePointSize(page)
        return QPageSize(QSizeF(points.width(), points.height()), QPageSize.Unit.Point)

    def configure(self, printer: QPrinter) -> None:
        """Paper of the PDF's own size, no margins, no scaling: cards must land on the marks."""
        printer.setFullPage(True)
        # The page size as the PDF has it (a wide card stays wide), in portrait terms.
        layout = QPageLayout(self.page_size(), QPageLayout.Orientation.Portrait, QMarginsF())
        printer.setPageLayout(layout)

    def paint(self, printer: QPrinter) -> None:
        painter = QPainter(printer)
        try:
            for page in range(self.pages):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                pixels = QSize(
                    round(points.width() / 72 * RENDER_DPI),
                    round(points.height() / 72 * RENDER_DPI),
                )
                image = self.document.render(page, pixels)
                target = printer.paperRect(QPrinter.Unit.DevicePixel)
                painter.drawImage(QRectF(0, 0, target.width(), target.height()), image)
        finally:
            painter.end()


def preview(parent: QWidget | None, pdf: bytes, title: str) -> None:
    """Qt's print preview; its print button opens the print dialog (a PDF printer too)."""
    printout = PdfPrintout(pdf)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printout.configure(printer)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(printout.paint)
    dialog.resize(1100, 720)
    dialog.exec()


def save_pdf(parent: QWidget | None, pdf: bytes, suggested_name: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, tr("print.save_title"), suggested_name, "PDF (*.pdf)"
    )
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    with open(path, "wb") as out:
        out.write(pdf)
    log.info("saved %d bytes of PDF to %s", len(pdf), path)
    return path

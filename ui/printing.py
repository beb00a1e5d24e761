"""Preview and print a PDF made by desktop.printing, each page on its own paper, at actual size.

A PDF printer ("print to file", or "export to PDF" on a desk without a printer) is given the
vector PDF itself: text stays text, the QR stays sharp, and the page sizes are the document's.
A real printer gets each page painted at the printer's own resolution on paper of that page's
size and orientation, never rescaled; the page is rendered in bands, so a 1200 dpi A4 page
does not need half a gigabyte of image at once.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPointF,
    QRect,
    QSize,
    QSizeF,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desktop.i18n import tr
from ui import files
from ui.files import documents_folder

log = logging.getLogger(__name__)

PREVIEW_DPI = 150  # the preview is on a screen: the printer's 1200 dpi would only be slow
BAND_PIXELS = 16_000_000  # at most this many pixels (64 MB) of a page rendered at once
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def page_layout(points: QSizeF) -> QPageLayout:
    """Paper of exactly this size (in points), turned as the page is, with no margins."""
    width, height = points.width(), points.height()
    landscape = width > height
    portrait_size = QSizeF(min(width, height), max(width, height))
    size = QPageSize(portrait_size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(size, orientation, QMarginsF(), QPageLayout.Unit.Point)


def writes_pdf_file(printer: QPrinter) -> bool:
    """Whether this printer writes a PDF file (rather than previewing or printing on paper)."""
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not printer.outputFileName():
        return False
    engine = printer.paintEngine()
    return engine is None or engine.type() != QPaintEngine.Type.Picture  # Picture: the preview


def file_name(title: str, day: date | None = None) -> str:
    """A file name a person recognises: the document's title and the day, nothing unsafe."""
    stem = _UNSAFE_IN_NAME.sub("-", title.strip()).strip("-.") or "waystation"
    return f"{stem}-{(day or files.desk_day()).isoformat()}.pdf"


class PdfPrintout:
    """A PDF held in memory, printed page by page on paper of each page's own size."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)

    @property
    def pages(self) -> int:
        return self.document.pageCount()

    def layout(self, page: int = 0) -> QPageLayout:
        return page_layout(self.document.pagePointSize(page))

    def configure(self, printer: QPrinter, title: str = "") -> None:
        """The first page's paper, no margins; a PDF printer also gets a name in Documents."""
        printer.setFullPage(True)
        printer.setPageLayout(self.layout(0))
        if title:
            printer.setDocName(title)
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and title:
            # No printer on this desk: Qt offers "export to PDF" with this name.
            printer.setOutputFileName(str(documents_folder() / file_name(title)))

    def print_to(self, printer: QPrinter) -> None:
        """What the print dialog's printer asked for: the PDF itself, or painted pages."""
        if writes_pdf_file(printer):
            path = Path(printer.outputFileName())
            path.write_bytes(self.pdf)
            log.info("wrote the %d-byte PDF itself to %s", len(self.pdf), path)
            return
        self.paint(printer)

    def paint(self, printer: QPrinter) -> None:
        """Every page at actual size, on paper of its size, at the printer's resolution."""
        printer.setFullPage(True)
        printer.setPageLayout(self.layout(0))
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError(tr("print.failed"))
        try:
            preview = painter.paintEngine().type() == QPaintEngine.Type.Picture
            dpi = min(printer.resolution(), PREVIEW_DPI) if preview else printer.resolution()
            for page in range(self.pages):
                if page:
                    printer.setPageLayout(self.layout(page))  # takes effect on the new page
                    printer.newPage()
                self._paint_page(painter, printer, page, dpi)
        finally:
            painter.end()

    def _paint_page(self, painter: QPainter, printer: QPrinter, page: int, dpi: int) -> None:
        points = self.document.pagePointSize(page)
        pixels = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
        device_per_pixel = printer.resolution() / dpi  # 1 on paper; more in the preview
        band = max(1, BAND_PIXELS // max(pixels.width(), 1))
        options = QPdfDocumentRenderOptions()
        for top in range(0, pixels.height(), band):
            height = min(band, pixels.height() - top)
            options.setScaledClipRect(QRect(0, top, pixels.width(), height))
            options.setScaledSize(pixels)
            image = self.document.render(page, QSize(pixels.width(), height), options)
            painter.save()
            painter.translate(QPointF(0, top * device_per_pixel))
            painter.scale(device_per_pixel, device_per_pixel)
            painter.drawImage(QPointF(0, 0), image)
            painter.restore()


def preview(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """Qt's print preview; True when the pages were sent to a printer or written to a file."""
    printout = PdfPrintout(pdf)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printout.configure(printer, title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(printout.print_to)
    dialog.resize(1100, 720)
    return dialog.exec() == QDialog.DialogCode.Accepted


def save_pdf(parent: QWidget | None, pdf: bytes, title: str) -> str | None:
    """The vector PDF as it is, saved where the person chooses (Documents by default)."""
    suggested = str(documents_folder() / file_name(title))
    path, _filter = QFileDialog.getSaveFileName(
        parent, tr("print.save_title"), suggested, "PDF (*.pdf)"
    )
    if not path:
        return None
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    Path(path).write_bytes(pdf)
    log.info("saved %d bytes of PDF to %s", len(pdf), path)
    return path

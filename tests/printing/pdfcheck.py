"""Render produced PDFs the way a reader sees them: pages to images, QR codes decoded."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

DPI = 300
SHOTS = Path("/tmp/print-shots")


def pages(pdf: bytes, name: str) -> list[Image.Image]:
    """Every page at 300 dpi, also written to /tmp/print-shots/{name}-{n}.png to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf)
    images = []
    for i in range(len(document)):
        image = document[i].render(scale=DPI / 72).to_pil().convert("RGB")
        image.save(SHOTS / f"{name}-{i + 1}.png")
        images.append(image)
    return images


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(pdf)
    return [
        (document[i].get_width() * 25.4 / 72, document[i].get_height() * 25.4 / 72)
        for i in range(len(document))
    ]


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [
        barcode
        for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if barcode.valid
    ]


def px(points: float) -> float:
    return points * DPI / 72


def mm_to_px(value: float) -> float:
    return value * DPI / 25.4


def font_report(pdf: bytes) -> tuple[list[str], int, int]:
    """Base font names of every font dictionary, how many font descriptors there are, and how
    many of them carry an embedded font program (/FontFile, /FontFile2 or /FontFile3)."""
    text = pdf.decode("latin-1")
    names = re.findall(r"/BaseFont /([^\s/>]+)", text)
    descriptors = len(re.findall(r"/Type /FontDescriptor", text))
    embedded = len(re.findall(r"/FontFile[23]? \d+ 0 R", text))
    return names, descriptors, embedded

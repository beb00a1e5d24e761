"""Certificates on A4 landscape, laid out by a template file a user can copy and change.

The template (``resources/templates/certificate-default.json``) names where each field
goes, in mm from the page's top-left corner, with its font size, colour and alignment; an
optional seal or logo image; and where the QR code goes. A field's text is a list of pieces
with ``{placeholders}``; a piece whose placeholder has no value is left out, so one template
serves courses with hours and dates as well as awards without them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.documents import Certificate
from desktop.printing.fonts import FONT, text_width
from desktop.printing.layout import ASCENT, Align, Box, cn_date, draw_placed, place, render
from desktop.printing.qr import draw_qr, qr_matrix

PAGE_W, PAGE_H = landscape(A4)
DEFAULT_TEMPLATE = (
    Path(__file__).resolve().parents[2] / "resources/templates/certificate-default.json"
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_ALIGNS = ("left", "centre", "right")


class TemplateError(ValueError):
    """The template file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Field:
    name: str
    pieces: tuple[str, ...]
    box: Box  # in points, bottom-left origin
    size: float
    min_size: float
    max_lines: int
    colour: Color
    align: Align
    bold: bool
    letter_spacing: float  # in em


@dataclass(frozen=True)
class Image:
    path: Path
    box: Box


@dataclass(frozen=True)
class Border:
    colour: Color
    outer_inset: float
    outer_width: float
    inner_inset: float
    inner_width: float


@dataclass(frozen=True)
class Template:
    fields: tuple[Field, ...]
    qr: Box
    images: tuple[Image, ...]
    border: Border | None


def _box(spec: Mapping[str, Any], w_key: str = "width_mm", h_key: str = "height_mm") -> Box:
    x, top = float(spec["x_mm"]), float(spec["y_mm"])
    w, h = float(spec[w_key]), float(spec[h_key])
    if w <= 0 or h <= 0:
        raise ValueError("width and height must be positive")
    if x < 0 or top < 0 or (x + w) * mm > PAGE_W + 0.01 or (top + h) * mm > PAGE_H + 0.01:
        raise ValueError("the box leaves the page")
    return Box(x * mm, PAGE_H - (top + h) * mm, w * mm, h * mm)


def _field(spec: Mapping[str, Any]) -> Field:
    text = spec["text"]
    pieces = (text,) if isinstance(text, str) else tuple(str(piece) for piece in text)
    align = spec.get("align", "left")
    if align not in _ALIGNS:
        raise ValueError(f"align must be one of {', '.join(_ALIGNS)}")
    size = float(spec["size"])
    return Field(
        name=str(spec.get("name", "")),
        pieces=pieces,
        box=_box(spec),
        size=size,
        min_size=float(spec.get("min_size", size * 0.6)),
        max_lines=int(spec.get("max_lines", 1)),
        colour=HexColor(spec.get("colour", "#1A1A1A")),
        align=cast(Align, align),
        bold=bool(spec.get("bold", False)),
        letter_spacing=float(spec.get("letter_spacing", 0.0)),
    )


def load_template(path: Path | str = DEFAULT_TEMPLATE) -> Template:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TemplateError(f"{path}: cannot read the template: {error}") from error
    where = "fields"
    try:
        fields = []
        for i, spec in enumerate(raw["fields"]):
            where = f"fields[{i}]"
            fields.append(_field(spec))
        where = "qr"
        qr_spec = raw["qr"]
        qr = _box(qr_spec, "size_mm", "size_mm")
        images = []
        for i, spec in enumerate(raw.get("images", [])):
            where = f"images[{i}]"
            if spec.get("path"):
                image_path = Path(spec["path"])
                if not image_path.is_absolute():
                    image_path = path.parent / image_path
                if image_path.is_file():
                    images.append(Image(image_path, _box(spec)))
        where = "border"
        border = None
        if raw.get("border"):
            b = raw["border"]
            border = Border(
                HexColor(b.get("colour", "#B8862B")),
                float(b["outer_inset_mm"]) * mm,
                float(b["outer_width_mm"]) * mm,
                float(b["inner_inset_mm"]) * mm,
                float(b["inner_width_mm"]) * mm,
            )
    except (KeyError, TypeError, ValueError) as error:
        raise TemplateError(f"{path}: {where}: {error!r}") from error
    return Template(tuple(fields), qr, tuple(images), border)


def _number(value: float) -> str:
    return f"{value:g}"


def values(cert: Certificate) -> dict[str, str | None]:
    """What each placeholder becomes for ``cert``; None where the certificate has no value."""
    return {
        "title": cert.title,
        "recipient": cert.recipient,
        "for_text": cert.for_text,
        "hours": _number(cert.hours) if cert.hours is not None else None,
        "start": cn_date(cert.start) if cert.start else None,
        "end": cn_date(cert.end) if cert.end else None,
        "issuer": cert.issuer,
        "issued_on": cn_date(cert.issued_on),
        "serial": cert.serial,
    }


def field_text(field: Field, known: Mapping[str, str | None]) -> str:
    """The field's pieces with placeholders filled; pieces missing a value are left out,
    and so are separators (pieces without placeholders) left at either end."""
    kept: list[tuple[bool, str]] = []
    for piece in field.pieces:
        names = _PLACEHOLDER.findall(piece)
        if any(known.get(name) is None for name in names):
            continue
        text = _PLACEHOLDER.sub(lambda m: known[m.group(1)] or "", piece)
        kept.append((bool(names), text))
    if any(_PLACEHOLDER.search(piece) for piece in field.pieces):
        while kept and not kept[0][0]:
            kept.pop(0)
        while kept and not kept[-1][0]:
            kept.pop()
    return "".join(text for _, text in kept)


def _draw_spaced(canvas: Canvas, field: Field, text: str) -> None:
    """One line with extra space between characters, shrunk until it fits."""
    gaps = max(len(text) - 1, 0)
    size = min(field.size, field.box.h / 1.2)
    while size > 1 and text_width(text, size) + gaps * field.letter_spacing * size > field.box.w:
        size -= 0.5
    width = text_width(text, size) + gaps * field.letter_spacing * size
    x = field.box.x
    if field.align == "centre":
        x += (field.box.w - width) / 2
    elif field.align == "right":
        x += field.box.w - width
    spare = field.box.h - size
    canvas.saveState()  # the character spacing outlives BT/ET
    obj = canvas.beginText(x, field.box.top - spare / 2 - ASCENT * size)
    obj.setFont(FONT, size)
    obj.setCharSpace(field.letter_spacing * size)
    canvas.setFillColor(field.colour)
    obj.textOut(text)
    canvas.drawText(obj)
    canvas.restoreState()


def draw_certificate(canvas: Canvas, cert: Certificate, template: Template) -> None:
    border = template.border
    if border:
        canvas.setStrokeColor(border.colour)
        for inset, width in (
            (border.outer_inset, border.outer_width),
            (border.inner_inset, border.inner_width),
        ):
            canvas.setLineWidth(width)
            canvas.rect(inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset)
    known = values(cert)
    for field in template.fields:
        text = field_text(field, known)
        if not text:
            continue
        if field.letter_spacing and field.max_lines == 1:
            _draw_spaced(canvas, field, text)
            continue
        draw_placed(
            canvas,
            place(
                text,
                field.box,
                field.size,
                field.min_size,
                max_lines=field.max_lines,
                align=field.align,
                colour=field.colour,
                bold=field.bold,
                middle=True,
            ),
        )
    qr = template.qr
    draw_qr(canvas, qr_matrix(cert.qr_text), qr.x, qr.y, qr.w)
    for image in template.images:  # last, so a seal overprints the issuer's name
        canvas.drawImage(
            str(image.path),
            image.box.x,
            image.box.y,
            image.box.w,
            image.box.h,
            mask="auto",
            preserveAspectRatio=True,
        )


def certificate_pdf(
    certs: Sequence[Certificate], template_path: Path | str = DEFAULT_TEMPLATE
) -> bytes:
    """One A4 landscape page per certificate."""
    if not certs:
        raise ValueError("no certificates to print")
    template = load_template(template_path)

    def draw(canvas: Canvas) -> None:
        for cert in certs:
            draw_certificate(canvas, cert, template)
            canvas.showPage()

    return render((PAGE_W, PAGE_H), "证书", draw)

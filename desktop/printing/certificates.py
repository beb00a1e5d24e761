"""Certificates on A4 landscape, laid out by a template file a user can copy and change.

The template (``resources/templates/certificate-default.json``) names where each field
goes, in mm from the page's top-left corner, with its font size, colour and alignment; the
seal area at the issuer; an optional logo; and where the QR code goes. A field's text is a
list of pieces with ``{placeholders}``, optionally one list per certificate title (a 结业证书
reads "…同志于…至…参加…培训，完成…学时，经考核合格，特发此证。", a 荣誉证书 has no hours);
a piece whose placeholder has no value is left out, and so is punctuation left dangling at
either end, so one template serves courses with and without hours and dates.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
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
_COURSE_ENDINGS = ("培训", "培训班", "班", "课程", "训练营", "研修")
_TRAILING_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]$")
_HONOUR_STARTS = ("在", "于", "荣获", "获得", "被评为", "荣膺")
SEAL_GUIDE = HexColor("#E3A9A9")  # light red: where the office stamps, hidden by the stamp


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
    indent: int = 0  # full-width characters of first-line indent
    middle: bool = True  # centred vertically in its box; False: from the top
    by_title: Mapping[str, tuple[str, ...]] = dataclass_field(default_factory=dict)

    def pieces_for(self, title: str) -> tuple[str, ...]:
        return self.by_title.get(title, self.pieces)


@dataclass(frozen=True)
class Image:
    path: Path
    box: Box


@dataclass(frozen=True)
class Seal:
    """Where the issuing union's seal goes: over the issuer's name."""

    box: Box
    path: Path | None  # the template's own seal image, if any
    guide: bool  # with no image: a light dashed circle where the office stamps


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
    seal: Seal | None = None


def _box(spec: Mapping[str, Any], w_key: str = "width_mm", h_key: str = "height_mm") -> Box:
    x, top = float(spec["x_mm"]), float(spec["y_mm"])
    w, h = float(spec[w_key]), float(spec[h_key])
    if w <= 0 or h <= 0:
        raise ValueError("width and height must be positive")
    if x < 0 or top < 0 or (x + w) * mm > PAGE_W + 0.01 or (top + h) * mm > PAGE_H + 0.01:
        raise ValueError("the box leaves the page")
    return Box(x * mm, PAGE_H - (top + h) * mm, w * mm, h * mm)


def _pieces(text: Any) -> tuple[str, ...]:
    return (text,) if isinstance(text, str) else tuple(str(piece) for piece in text)


def _field(spec: Mapping[str, Any]) -> Field:
    pieces = _pieces(spec["text"])
    by_title = {str(t): _pieces(text) for t, text in spec.get("text_by_title", {}).items()}
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
        indent=int(spec.get("indent", 0)),
        middle=bool(spec.get("middle", True)),
        by_title=by_title,
    )


def _image_path(value: Any, template: Path) -> Path | None:
    if not value:
        return None
    path = Path(str(value))
    return path if path.is_absolute() else template.parent / path


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
            image_path = _image_path(spec.get("path"), path)
            if image_path is not None and image_path.is_file():
                images.append(Image(image_path, _box(spec)))
        where = "seal"
        seal = None
        if raw.get("seal"):
            spec = raw["seal"]
            seal_path = _image_path(spec.get("path"), path)
            seal = Seal(
                _box(spec),
                seal_path if seal_path is not None and seal_path.is_file() else None,
                bool(spec.get("guide", False)),
            )
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
    return Template(tuple(fields), qr, tuple(images), border, seal)


def hours_text(value: Decimal | int) -> str:
    """As people write hours: 40, 1.5 (not 4E+1, not 40.0)."""
    return format(Decimal(value).normalize(), "f")


def course_text(purpose: str) -> str:
    """The purpose as a course: 电工技能 → 电工技能培训; 电工技能培训班 stays."""
    purpose = purpose.strip()
    name = _TRAILING_NOTE.sub("", purpose)  # 电工培训班（低压电工作业）: the 班 counts
    return purpose if name.endswith(_COURSE_ENDINGS) else purpose + "培训"


def honour_text(purpose: str) -> str:
    """The purpose as an honour: 快递技能竞赛一等奖 → 荣获快递技能竞赛一等奖."""
    purpose = purpose.strip()
    return purpose if purpose.startswith(_HONOUR_STARTS) else "荣获" + purpose


def values(cert: Certificate) -> dict[str, str | None]:
    """What each placeholder becomes for ``cert``; None where the certificate has no value."""
    return {
        "title": cert.title,
        "recipient": cert.recipient,
        "purpose": cert.for_text,
        "for_text": cert.for_text,  # the name in templates copied before "purpose"
        "course": course_text(cert.for_text),
        "honour": honour_text(cert.for_text),
        "hours": hours_text(cert.hours) if cert.hours is not None else None,
        "start": cn_date(cert.start) if cert.start else None,
        "end": cn_date(cert.end) if cert.end else None,
        "issuer": cert.issuer,
        "issued_on": cn_date(cert.issued_on),
        "serial": cert.serial,
    }


def _is_separator(piece: str) -> bool:
    """Punctuation and spaces only (``"  ·  "``, ``"，"``): joins pieces, never ends a text."""
    return all(unicodedata.category(ch)[0] in "PZ" for ch in piece)


def field_text(field: Field, known: Mapping[str, str | None], title: str = "") -> str:
    """The field's pieces (for this title) with placeholders filled; pieces missing a value
    are left out, and so are separators (punctuation-only pieces) left at either end."""
    pieces = field.pieces_for(title)
    kept: list[tuple[bool, str]] = []
    for piece in pieces:
        names = _PLACEHOLDER.findall(piece)
        if any(known.get(name) is None for name in names):
            continue
        text = _PLACEHOLDER.sub(lambda m: known[m.group(1)] or "", piece)
        kept.append((bool(names) or not _is_separator(piece), text))
    if any(_PLACEHOLDER.search(piece) for piece in pieces):
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


_INDENT_MARK = "中"  # a full-width character: wrapping sees the indent as one em each


def _draw_indented(canvas: Canvas, field: Field, text: str) -> None:
    """A paragraph whose first line starts ``field.indent`` characters in, as in a letter."""
    marks = _INDENT_MARK * field.indent
    placed = place(
        marks + text,
        field.box,
        field.size,
        field.min_size,
        max_lines=field.max_lines,
        align=field.align,
        colour=field.colour,
        middle=field.middle,
    )
    size = placed.fitted.size
    canvas.setFillColor(field.colour)
    for i, (line, baseline) in enumerate(zip(placed.fitted.lines, placed.baselines(), strict=True)):
        x = placed.line_x(line)
        if i == 0 and line.startswith(marks):
            line = line[len(marks) :]
            x += text_width(marks, size)
        obj = canvas.beginText(x, baseline)
        obj.setFont(FONT, size)
        obj.textOut(line)
        canvas.drawText(obj)


def _draw_seal(canvas: Canvas, seal: Seal, image: Path | None) -> None:
    box = seal.box
    if image is not None:
        canvas.drawImage(
            str(image), box.x, box.y, box.w, box.h, mask="auto", preserveAspectRatio=True
        )
    elif seal.guide:
        canvas.saveState()
        canvas.setStrokeColor(SEAL_GUIDE)
        canvas.setLineWidth(0.6)
        canvas.setDash(3, 2)
        radius = min(box.w, box.h) / 2 - 1 * mm
        canvas.circle(box.x + box.w / 2, box.y + box.h / 2, radius)
        canvas.restoreState()


def draw_certificate(
    canvas: Canvas, cert: Certificate, template: Template, seal_image: Path | None = None
) -> None:
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
        text = field_text(field, known, cert.title)
        if not text:
            continue
        if field.indent:
            _draw_indented(canvas, field, text)
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
                middle=field.middle,
            ),
        )
    qr = template.qr
    draw_qr(canvas, qr_matrix(cert.qr_text), qr.x, qr.y, qr.w)
    if template.seal is not None:  # after the text, so the seal overprints the issuer
        _draw_seal(canvas, template.seal, seal_image or template.seal.path)
    for image in template.images:
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
    certs: Sequence[Certificate],
    template_path: Path | str = DEFAULT_TEMPLATE,
    seal_image: Path | str | None = None,
) -> bytes:
    """One A4 landscape page per certificate; ``seal_image`` (a PNG with a transparent
    background, from the desk's settings) is printed in the template's seal area."""
    if not certs:
        raise ValueError("no certificates to print")
    template = load_template(template_path or DEFAULT_TEMPLATE)
    seal = Path(seal_image) if seal_image else None

    def draw(canvas: Canvas) -> None:
        for cert in certs:
            draw_certificate(canvas, cert, template, seal)
            canvas.showPage()

    return render((PAGE_W, PAGE_H), "证书", draw)

"""Shared drawing pieces: canvases, boxes, placed text, colours."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FONT, Fitted, fit, register_fonts, text_width

Align = Literal["left", "centre", "right"]
ASCENT = 0.86  # of the font size, WenQuanYi Micro Hei's glyphs above the baseline
UNION_RED = HexColor("#B3141B")
INK = HexColor("#1A1A1A")
GREY = HexColor("#5F5F5F")
WHITE = HexColor("#FFFFFF")


@dataclass(frozen=True)
class Box:
    """A rectangle in points, (x, y) its bottom-left corner."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def mm(cls, x: float, y: float, w: float, h: float) -> Box:
        return cls(x * mm, y * mm, w * mm, h * mm)

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Placed:
    """Text fitted into a box: lines drawn from the top of the box down."""

    box: Box
    fitted: Fitted
    align: Align = "left"
    colour: Color = INK
    bold: bool = False

    def baselines(self) -> list[float]:
        first = self.box.top - ASCENT * self.fitted.size
        return [first - i * self.fitted.leading for i in range(len(self.fitted.lines))]

    def line_x(self, line: str) -> float:
        if self.align == "left":
            return self.box.x
        width = text_width(line, self.fitted.size)
        if self.align == "right":
            return self.box.right - width
        return self.box.x + (self.box.w - width) / 2


def place(
    text: str,
    box: Box,
    size: float,
    min_size: float | None = None,
    *,
    max_lines: int = 1,
    align: Align = "left",
    colour: Color = INK,
    bold: bool = False,
    middle: bool = False,
    baseline: float | None = None,
) -> Placed:
    """Fit ``text`` into ``box``. ``middle`` centres the text block vertically in the box;
    ``baseline`` (points above the box's bottom) puts a single line's baseline there, so
    labels and values of different sizes line up however far either shrank."""
    fitted = fit(text, box.w, box.h, size, min_size or size * 0.6, max_lines)
    if middle:
        spare = box.h - fitted.height
        box = Box(box.x, box.y + spare / 2, box.w, fitted.height)
    elif baseline is not None and len(fitted.lines) == 1:
        box = Box(box.x, box.y, box.w, min(box.h, baseline + ASCENT * fitted.size))
    return Placed(box, fitted, align, colour, bold)


def draw_placed(canvas: Canvas, item: Placed) -> None:
    size = item.fitted.size
    if item.bold:  # fill and stroke the glyphs; q/Q keeps the render mode to this text
        canvas.saveState()
        canvas.setStrokeColor(item.colour)
        canvas.setLineWidth(size * 0.035)
    canvas.setFillColor(item.colour)
    for line, baseline in zip(item.fitted.lines, item.baselines(), strict=True):
        text = canvas.beginText(item.line_x(line), baseline)
        text.setFont(FONT, size)
        if item.bold:
            text.setTextRenderMode(2)
        text.textOut(line)
        canvas.drawText(text)
    if item.bold:
        canvas.restoreState()


def new_canvas(buffer: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    register_fonts()
    # Page streams are zlib-compressed binary; ReportLab would also ASCII85-encode them in
    # pure Python, which costs more than drawing a thousand cards. PDF readers need no A85.
    rl_config.useA85 = 0
    canvas = Canvas(
        buffer,
        pagesize=pagesize,
        pageCompression=1,
        invariant=True,
        initialFontName=FONT,  # type: ignore[arg-type]  # the stubs say float; it is a name
        initialFontSize=10,
    )
    canvas.setTitle(title)
    canvas.setCreator("Waystation")
    return canvas


def render(pagesize: tuple[float, float], title: str, draw: Callable[[Canvas], None]) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, pagesize, title)
    draw(canvas)
    canvas.save()
    return buffer.getvalue()


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"

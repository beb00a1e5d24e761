"""The one CJK font every PDF uses, registered once per process, and text that fits its box."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import font_path

FONT = "WQYMicroHei"
_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register WenQuanYi Micro Hei (subfont 0 of the collection); returns its name."""
    global _registered
    if not _registered:
        with _lock:
            if not _registered:
                pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
                # Charts and canvases start in this font, not ReportLab's Helvetica, which
                # is never embedded: every font a PDF names travels inside it.
                rl_config.defaultGraphicsFontName = FONT
                rl_config.canvas_basefontname = FONT
                _registered = True
    return FONT


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, register_fonts(), size)


@dataclass(frozen=True)
class Fitted:
    """Lines of text at one size that fit a box (``leading`` is the baseline step)."""

    lines: tuple[str, ...]
    size: float
    leading: float

    @property
    def height(self) -> float:
        return self.size + self.leading * (len(self.lines) - 1)

    def width(self) -> float:
        return max((text_width(line, self.size) for line in self.lines), default=0.0)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: at spaces for Latin words, anywhere
    between CJK characters. A single unbreakable piece wider than ``width`` stays whole."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in _pieces(paragraph):
            candidate = line + piece
            if line and text_width(candidate.rstrip(), size) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _pieces(text: str) -> list[str]:
    """Latin words (with their trailing space) stay together; every CJK character stands alone."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            pieces.append(word)
            word = ""
        if ch.isspace() and pieces:
            pieces[-1] += ch
        else:
            pieces.append(ch)
    if word:
        pieces.append(word)
    return pieces


def fit(
    text: str,
    width: float,
    height: float,
    size: float,
    min_size: float,
    max_lines: int = 1,
    leading: float = 1.2,
) -> Fitted:
    """``text`` at the largest size that fits the box: on one line down to ``min_size``,
    then wrapped onto up to ``max_lines`` lines, shrinking below ``min_size`` as far as it
    takes. Text never leaves its box."""
    one_line = " ".join(text.split())
    current = size
    while current >= min_size:
        fitted = Fitted((one_line,), current, current * leading)
        if current <= height and text_width(one_line, current) <= width:
            return fitted
        current -= 0.5
    if max_lines > 1:
        current = size
        while current > 1.0:
            lines = wrap(text.strip(), current, width)
            fitted = Fitted(tuple(lines), current, current * leading)
            if len(lines) <= max_lines and fitted.height <= height and fitted.width() <= width:
                return fitted
            current -= 0.5 if current > min_size else 0.25
    natural = text_width(one_line, 1.0)
    last = min(height, width / natural if natural else height) * 0.999
    return Fitted((one_line,), last, last * leading)

"""QR codes drawn as vector rectangles, fast enough for a thousand cards in a PDF.

``qrcode`` builds the symbol; choosing its mask the library's way (eight full builds, each
scored in pure Python) costs about 6 ms a code, which alone would eat the 5 s budget for
1,000 cards. Here the symbol is built once with mask 0 and the other seven masks are
derived from it with integer bit operations on whole rows (a mask only flips data modules and
rewrites the format information), then scored with the usual four penalty rules
(ISO/IEC 18004 7.8.3) on the bit rows. The result is a normal, fully masked QR code.

A matrix is a tuple of row integers: bit ``size - 1 - c`` of row ``r`` is module ``(r, c)``,
1 = dark. Drawing emits one filled path of horizontal runs per code, in module units under a
single transform, so a code costs one short string in the page stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 4
_RUN = re.compile(r"1+")
_LONG_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")  # neither overlaps itself


@dataclass(frozen=True)
class QrMatrix:
    size: int
    rows: tuple[int, ...]

    def dark(self, row: int, col: int) -> bool:
        return bool(self.rows[row] >> (self.size - 1 - col) & 1)


@dataclass(frozen=True)
class _Layout:
    """What a mask changes in one version: data modules, mask patterns, format bits."""

    size: int
    data: tuple[int, ...]
    patterns: tuple[tuple[int, ...], ...]  # per mask: pattern bits restricted to data modules
    format_cells: tuple[int, ...]
    format_bits: tuple[tuple[int, ...], ...]  # per mask


def _rows_to_ints(modules: list[list[bool | None]]) -> tuple[int, ...]:
    return tuple(int("".join("1" if m else "0" for m in row), 2) for row in modules)


@lru_cache(maxsize=64)
def _layout(version: int, error_correction: int) -> _Layout:
    code = qrcode.QRCode(version=version, error_correction=error_correction, border=0)
    size = version * 4 + 17
    code.modules_count = size
    code.modules = [[None] * size for _ in range(size)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(size - 7, 0)
    code.setup_position_probe_pattern(0, size - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    if version >= 7:
        code.setup_type_number(False)
    blank = [row[:] for row in code.modules]
    fmt_cells = [0] * size
    fmt_bits: list[tuple[int, ...]] = []
    for mask in range(8):
        code.modules = [row[:] for row in blank]
        code.setup_type_info(False, mask)
        bits = [0] * size
        for r in range(size):
            for c in range(size):
                if blank[r][c] is None and code.modules[r][c] is not None:
                    fmt_cells[r] |= 1 << (size - 1 - c)
                    if code.modules[r][c]:
                        bits[r] |= 1 << (size - 1 - c)
        fmt_bits.append(tuple(bits))
    data = [0] * size
    for r in range(size):
        for c in range(size):
            if blank[r][c] is None and not fmt_cells[r] >> (size - 1 - c) & 1:
                data[r] |= 1 << (size - 1 - c)
    patterns = []
    for mask in range(8):
        func = qr_util.mask_func(mask)
        rows = []
        for r in range(size):
            flips = 0
            for c in range(size):
                if func(r, c):
                    flips |= 1 << (size - 1 - c)
            rows.append(flips & data[r])
        patterns.append(tuple(rows))
    return _Layout(size, tuple(data), tuple(patterns), tuple(fmt_cells), tuple(fmt_bits))


def _masked(base: tuple[int, ...], layout: _Layout, mask: int) -> tuple[int, ...]:
    """``base`` was built with mask 0; the same symbol with ``mask`` instead."""
    p0, pk, fk = layout.patterns[0], layout.patterns[mask], layout.format_bits[mask]
    cells = layout.format_cells
    return tuple(((row ^ p0[r] ^ pk[r]) & ~cells[r]) | fk[r] for r, row in enumerate(base))


@lru_cache(maxsize=64)
def _penalty_masks(size: int) -> tuple[int, int, int]:
    """Bit masks over a whole symbol packed row by row (module (r, c) at bit
    ``(size-1-r)*size + size-1-c``): where a module has a right-hand neighbour in its row,
    where a 5-module window starting there stays in its row, where a module has one below."""
    has_right = has_window = 0
    for p in range(size * size):
        col_from_right = p % size  # 0 = last column
        if col_from_right >= 1:
            has_right |= 1 << p
        if col_from_right >= 4:
            has_window |= 1 << p
    has_below = (1 << (size * size)) - 1 >> size << size
    return has_right, has_window, has_below


def _runs_score(packed: int, has_right: int, has_window: int) -> int:
    """Rule 1 over every line packed in ``packed``: 3 + (length - 5) for each run of five or
    more same-coloured modules, i.e. one point per 5-window in the run plus two per run."""
    same = ~(packed ^ (packed << 1)) & has_right
    windows = same & (same << 1) & (same << 2) & (same << 3) & has_window
    return windows.bit_count() + 2 * (windows & ~(windows >> 1)).bit_count()


def penalty(rows: tuple[int, ...], size: int) -> int:
    """The four mask penalty rules of ISO/IEC 18004 (7.8.3) on bit rows."""
    lines = [format(row, f"0{size}b") for row in rows]
    columns = ["".join(col) for col in zip(*lines, strict=True)]
    by_rows = int("".join(lines), 2)
    by_columns = int("".join(columns), 2)
    has_right, has_window, has_below = _penalty_masks(size)
    score = _runs_score(by_rows, has_right, has_window)
    score += _runs_score(by_columns, has_right, has_window)
    text = "\n".join(lines) + "\n" + "\n".join(columns)
    score += 40 * sum(text.count(pattern) for pattern in _FINDER_LIKE)
    same_right = ~(by_rows ^ (by_rows << 1)) & has_right
    same_below = ~(by_rows ^ (by_rows << size)) & has_below
    blocks = same_right & same_below & (same_below << 1)
    score += 3 * blocks.bit_count()
    dark = by_rows.bit_count()
    score += 10 * int(abs(dark * 100 / (size * size) - 50) / 5)
    return score


def qr_matrix(text: str, error_correction: int = ERROR_CORRECT_M) -> QrMatrix:
    """The QR symbol for ``text`` (smallest version that fits, best of the eight masks)."""
    code = qrcode.QRCode(error_correction=error_correction, border=0, mask_pattern=0)
    code.add_data(text)
    code.make(fit=True)
    version = code.version
    assert version is not None
    layout = _layout(version, error_correction)
    base = _rows_to_ints(code.modules)
    best_rows, best_score = base, penalty(base, layout.size)
    for mask in range(1, 8):
        rows = _masked(base, layout, mask)
        score = penalty(rows, layout.size)
        if score < best_score:
            best_rows, best_score = rows, score
    return QrMatrix(layout.size, best_rows)


def path_ops(matrix: QrMatrix) -> str:
    """PDF path operators for the dark modules, one rectangle per horizontal run.

    Coordinates are in modules with the origin at the symbol's bottom-left corner.
    """
    size = matrix.size
    parts: list[str] = []
    for r, row in enumerate(matrix.rows):
        y = size - 1 - r
        for run in _RUN.finditer(format(row, f"0{size}b")):
            parts.append(f"{run.start()} {y} {run.end() - run.start()} 1 re")
    return "\n".join(parts)


def draw_qr(canvas: Canvas, matrix: QrMatrix, x: float, y: float, width: float) -> None:
    """Draw ``matrix`` in black with its bottom-left corner at (x, y), ``width`` points wide.

    The quiet zone is not drawn: the caller keeps ``QUIET_ZONE_MODULES`` modules clear.
    """
    scale = width / matrix.size
    canvas.addLiteral(
        f"q 0 g {scale:.5f} 0 0 {scale:.5f} {x:.3f} {y:.3f} cm\n{path_ops(matrix)}\nf Q"
    )


def quiet_zone(matrix: QrMatrix, width: float) -> float:
    """How wide the quiet zone is, in points, when the symbol is ``width`` points wide."""
    return QUIET_ZONE_MODULES * width / matrix.size

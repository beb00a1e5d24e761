"""Member cards: CR80 one per page for card printers, A4 10-up with crop marks for office
printers, duplex backs mirrored for long-edge flipping, and a calibration page.

All positions are in points (ReportLab's unit) computed from the mm constants below; a card's
own drawing uses coordinates relative to its bottom-left corner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.documents import NO_OFFSETS, CardBack, CardFace, PrintOffsets
from desktop.printing.fonts import FONT
from desktop.printing.layout import (
    GREY,
    UNION_RED,
    WHITE,
    Box,
    Placed,
    cn_date,
    draw_placed,
    place,
    render,
)
from desktop.printing.qr import draw_qr, qr_matrix, quiet_zone

CARD_W = 85.6 * mm
CARD_H = 54.0 * mm
CR80 = (CARD_W, CARD_H)
PAGE_W, PAGE_H = A4
COLS, ROWS = 2, 5
PER_SHEET = COLS * ROWS
GRID_LEFT = (PAGE_W - COLS * CARD_W) / 2  # 19.4 mm
GRID_BOTTOM = (PAGE_H - ROWS * CARD_H) / 2  # 13.5 mm
CROP_GAP = 2.0 * mm  # crop marks start this far outside the card grid
CROP_LEN = 6.0 * mm
CROP_WIDTH = 0.25  # pt

EDGE = 4.0 * mm  # text keeps this far from the card's edges
BAND_INSET = 1.5 * mm
BAND_H = 13.0 * mm
QR_W = 23.0 * mm
QR_RIGHT_GAP = 4.5 * mm  # card's right edge to the code's right edge
QR_BOTTOM = 5.0 * mm
QR_BOX = Box(CARD_W - QR_RIGHT_GAP - QR_W, QR_BOTTOM, QR_W, QR_W)
TEXT_RIGHT = QR_BOX.x - 3.5 * mm  # the quiet zone (4 modules, about 2.2 mm) plus a gap
LABEL_W = 12.0 * mm
BASELINE = 1.0 * mm  # of the label/value rows, above each row's bottom


@dataclass(frozen=True)
class FrontLayout:
    texts: tuple[Placed, ...]
    qr: Box


def front_layout(face: CardFace) -> FrontLayout:
    """Where everything on a card front goes, relative to the card's bottom-left corner."""
    band_top = CARD_H - BAND_INSET
    title_w = 18.0 * mm
    head_w = CARD_W - 2 * EDGE - title_w - 2.0 * mm
    union = face.union_name.strip()
    # The union heads the card, the station beneath; with no union set, the station alone.
    head, under = (union, face.station_name) if union else (face.station_name, "")
    if head == under:
        under = ""
    texts = [
        place(
            head,
            Box(EDGE, band_top - 7.0 * mm, head_w, 5.0 * mm),
            10.5,
            6.0,
            colour=WHITE,
            bold=True,
        ),
        *(
            [
                place(
                    under, Box(EDGE, band_top - 11.2 * mm, head_w, 3.6 * mm), 7.5, 5.0, colour=WHITE
                )
            ]
            if under
            else []
        ),
        place(
            "会员卡",
            Box(CARD_W - EDGE - title_w, band_top - 10.5 * mm, title_w, 7.5 * mm),
            15.0,
            colour=WHITE,
            bold=True,
            align="right",
            middle=True,
        ),
        place(
            face.member_name,
            Box(EDGE, 26.5 * mm, TEXT_RIGHT - EDGE, 10.5 * mm),
            17.0,
            11.0,
            max_lines=2,
            bold=True,
            middle=True,
        ),
    ]
    rows = (
        ("会员号", face.member_number),
        ("职　业", face.occupation or "—"),
        ("发卡日期", cn_date(face.issue_date)),
        ("卡序号", str(face.serial)),
    )
    for i, (label, value) in enumerate(rows):
        bottom = 20.2 * mm - i * 5.2 * mm
        texts.append(
            place(
                label,
                Box(EDGE, bottom, LABEL_W, 4.0 * mm),
                6.5,
                4.5,
                colour=GREY,
                baseline=BASELINE,
            )
        )
        value_box = Box(EDGE + LABEL_W, bottom, TEXT_RIGHT - EDGE - LABEL_W, 4.0 * mm)
        size = 9.0 if i < 2 else 7.5
        texts.append(place(value, value_box, size, 4.0, baseline=BASELINE))
    return FrontLayout(tuple(texts), QR_BOX)


def back_layout(back: CardBack) -> tuple[Placed, ...]:
    width = CARD_W - 2 * EDGE
    texts = [
        place(
            back.title,
            Box(EDGE, CARD_H - 9.0 * mm, width, 5.0 * mm),
            10.0,
            bold=True,
            colour=UNION_RED,
        )
    ]
    body = "\n".join(f"{i}. {line}" for i, line in enumerate(back.lines, start=1))
    texts.append(place(body, Box(EDGE, 15.0 * mm, width, 26.5 * mm), 7.5, 5.0, max_lines=8))
    band = Box(EDGE, BAND_INSET + 2.0 * mm, width, 7.5 * mm)
    half = width / 2
    texts.append(
        place(
            f"职工服务热线 {back.hotline}",
            Box(band.x, band.y, half, band.h),
            11.0,
            colour=WHITE,
            bold=True,
            middle=True,
        )
    )
    texts.append(
        place(
            back.return_note,
            Box(band.x + half, band.y, half, band.h),
            8.0,
            colour=WHITE,
            align="right",
            middle=True,
        )
    )
    return tuple(texts)


def _band(canvas: Canvas, y: float, h: float) -> None:
    canvas.setFillColor(UNION_RED)
    canvas.roundRect(BAND_INSET, y, CARD_W - 2 * BAND_INSET, h, 2.0 * mm, stroke=0, fill=1)


def draw_front(canvas: Canvas, face: CardFace, x: float, y: float) -> None:
    layout = front_layout(face)
    canvas.saveState()
    canvas.translate(x, y)
    _band(canvas, CARD_H - BAND_INSET - BAND_H, BAND_H)
    for item in layout.texts:
        draw_placed(canvas, item)
    draw_qr(canvas, qr_matrix(face.qr_text), layout.qr.x, layout.qr.y, layout.qr.w)
    canvas.restoreState()


def draw_back(canvas: Canvas, texts: Sequence[Placed], x: float, y: float) -> None:
    canvas.saveState()
    canvas.translate(x, y)
    _band(canvas, BAND_INSET, 11.5 * mm)
    canvas.setStrokeColor(UNION_RED)
    canvas.setLineWidth(0.6)
    canvas.line(EDGE, CARD_H - 10.5 * mm, CARD_W - EDGE, CARD_H - 10.5 * mm)
    for item in texts:
        draw_placed(canvas, item)
    canvas.restoreState()


def qr_quiet_zone_ok(face: CardFace) -> bool:
    """Nothing but white within the quiet zone: text ends left of it, the card edge beyond it."""
    zone = quiet_zone(qr_matrix(face.qr_text), QR_W)
    return QR_BOX.x - zone >= TEXT_RIGHT and QR_BOX.right + zone <= CARD_W and QR_BOX.y >= zone


# --- CR80, one card a page -------------------------------------------------------------


def cards_cr80(faces: Sequence[CardFace], backs: CardBack | None = None) -> bytes:
    """One 85.6 x 54 mm page per card; with ``backs`` each front is followed by its back."""
    if not faces:
        raise ValueError("no cards to print")
    back_texts = back_layout(backs) if backs else ()

    def draw(canvas: Canvas) -> None:
        for face in faces:
            draw_front(canvas, face, 0, 0)
            canvas.showPage()
            if backs:
                draw_back(canvas, back_texts, 0, 0)
                canvas.showPage()

    return render(CR80, "会员卡", draw)


# --- A4, ten cards a sheet --------------------------------------------------------------


def slot_origin(index: int) -> tuple[float, float]:
    """Bottom-left corner of card ``index`` (0-9, row by row from the top left) on a front."""
    col, row = index % COLS, index // COLS
    return GRID_LEFT + col * CARD_W, GRID_BOTTOM + (ROWS - 1 - row) * CARD_H


def back_slot_origin(index: int, offsets: PrintOffsets = NO_OFFSETS) -> tuple[float, float]:
    """Where the back of card ``index`` goes on the back sheet: mirrored left to right, so
    that it lands behind its front when the sheet is flipped on its long edge, then moved by
    the printer's measured shift."""
    x, y = slot_origin(index)
    return PAGE_W - x - CARD_W + offsets.x_mm * mm, y + offsets.y_mm * mm


def crop_lines() -> tuple[list[float], list[float]]:
    """The cut lines the crop marks extend: x of the vertical cuts, y of the horizontal."""
    xs = [GRID_LEFT + c * CARD_W for c in range(COLS + 1)]
    ys = [GRID_BOTTOM + r * CARD_H for r in range(ROWS + 1)]
    return xs, ys


def draw_crop_marks(canvas: Canvas) -> None:
    xs, ys = crop_lines()
    top, bottom = ys[-1], ys[0]
    left, right = xs[0], xs[-1]
    canvas.saveState()
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(CROP_WIDTH)
    lines = []
    for x in xs:
        lines.append((x, top + CROP_GAP, x, top + CROP_GAP + CROP_LEN))
        lines.append((x, bottom - CROP_GAP, x, bottom - CROP_GAP - CROP_LEN))
    for y in ys:
        lines.append((left - CROP_GAP, y, left - CROP_GAP - CROP_LEN, y))
        lines.append((right + CROP_GAP, y, right + CROP_GAP + CROP_LEN, y))
    canvas.lines(lines)
    canvas.restoreState()


def cards_a4(
    faces: Sequence[CardFace],
    backs: bool = False,
    offsets: PrintOffsets = NO_OFFSETS,
    back: CardBack | None = None,
) -> bytes:
    """A4 portrait sheets of 2 x 5 cards with crop marks. With ``backs`` every front sheet is
    followed by a back sheet (``back``, default ``CardBack()``) for long-edge duplex."""
    if not faces:
        raise ValueError("no cards to print")
    back_texts = back_layout(back or CardBack()) if backs else ()

    def draw(canvas: Canvas) -> None:
        for start in range(0, len(faces), PER_SHEET):
            sheet = faces[start : start + PER_SHEET]
            draw_crop_marks(canvas)
            for index, face in enumerate(sheet):
                draw_front(canvas, face, *slot_origin(index))
            canvas.showPage()
            if backs:
                for index in range(len(sheet)):
                    draw_back(canvas, back_texts, *back_slot_origin(index, offsets))
                canvas.showPage()

    return render(A4, "会员卡", draw)


# --- calibration ------------------------------------------------------------------------

CALIBRATION_TEXT = (
    "双面打印校准页：请用 A4 纸双面打印本页（长边翻转），打印设置选“实际大小”，不要缩放。",
    "对着光看背面：正面十字线落在背面刻度上的读数（毫米）就是要加到“X 偏移 / Y 偏移”上的数值。",
    "向右、向上为正。调整后再打印一次，读数都为 0 即已对齐。",
)


def _cross(canvas: Canvas, cx: float, cy: float, arm: float) -> None:
    canvas.line(cx - arm, cy, cx + arm, cy)
    canvas.line(cx, cy - arm, cx, cy + arm)


SCALE_MM = 6  # the scales read from -6 to +6 mm
CROSS_ARM = 13.0 * mm
SCALE_AWAY = 9.0 * mm  # each scale sits this far from the centre, across one cross-hair arm


def _scale(canvas: Canvas, cx: float, cy: float) -> None:
    """Two mm scales for a cross-hair centred at (cx, cy) on the front: a horizontal one
    below the centre (the front's vertical line crosses it) reads x, a vertical one right of
    the centre reads y. Ticks every mm, labelled every 2 mm with the value to add."""
    hy, vx = cy - SCALE_AWAY, cx + SCALE_AWAY
    span = SCALE_MM * mm
    canvas.line(cx - span, hy, cx + span, hy)
    canvas.line(vx, cy - span, vx, cy + span)
    canvas.setFont(FONT, 5)
    for d in range(-SCALE_MM, SCALE_MM + 1):
        tick = (2.2 if d % 2 == 0 else 1.2) * mm
        canvas.line(cx + d * mm, hy, cx + d * mm, hy + tick)
        canvas.line(vx, cy + d * mm, vx - tick, cy + d * mm)
        if d % 2 == 0:
            label = f"{d:+d}" if d else "0"
            canvas.drawCentredString(cx + d * mm, hy - 2.4 * mm, label)
            canvas.drawString(vx + 0.8 * mm, cy + d * mm - 0.6 * mm, label)
    canvas.drawCentredString(cx, hy - 4.6 * mm, "X (mm)")
    canvas.drawString(vx + 0.8 * mm, cy + span + 1.5 * mm, "Y (mm)")


def calibration_page(offsets: PrintOffsets = NO_OFFSETS) -> bytes:
    """Two pages, front and back: card outlines with a cross-hair at each card's centre on
    the front, and at the same place on the back mm scales to read the printer's shift."""

    def draw(canvas: Canvas) -> None:
        draw_crop_marks(canvas)
        canvas.setLineWidth(0.3)
        for index in range(PER_SHEET):
            x, y = slot_origin(index)
            canvas.setStrokeColor(HexColor("#9A9A9A"))
            canvas.rect(x, y, CARD_W, CARD_H)
            canvas.setStrokeColor(HexColor("#000000"))
            _cross(canvas, x + CARD_W / 2, y + CARD_H / 2, CROSS_ARM)
        x0, y0 = slot_origin(0)
        box = Box(x0 + 3 * mm, y0 + CARD_H - 13.0 * mm, CARD_W - 6 * mm, 11.0 * mm)
        draw_placed(
            canvas, place("\n".join(CALIBRATION_TEXT), box, 7.0, 5.0, max_lines=6, colour=GREY)
        )
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 9)
        canvas.drawString(x0 + 3 * mm, y0 + 4 * mm, "正面 FRONT")
        canvas.showPage()
        canvas.setLineWidth(0.3)
        for index in range(PER_SHEET):
            x, y = back_slot_origin(index, offsets)
            canvas.setStrokeColor(HexColor("#9A9A9A"))
            canvas.rect(x, y, CARD_W, CARD_H)
            canvas.setStrokeColor(UNION_RED)
            canvas.setFillColor(UNION_RED)
            _scale(canvas, x + CARD_W / 2, y + CARD_H / 2)
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 9)
        bx, by = back_slot_origin(1, offsets)
        canvas.drawString(bx + 3 * mm, by + 4 * mm, "背面 BACK")
        canvas.setFont(FONT, 7.5)
        canvas.drawString(
            bx + 3 * mm,
            by + CARD_H - 5 * mm,
            f"打印时的偏移：X {offsets.x_mm:+.1f} mm，Y {offsets.y_mm:+.1f} mm",
        )
        canvas.showPage()

    return render(A4, "双面打印校准页", draw)

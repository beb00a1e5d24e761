"""Member cards: every QR decodes, fonts are embedded, cards sit where the crop marks say,
backs are mirrored for long-edge duplex, and long text never leaves its box."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image
from reportlab.lib.units import mm

from desktop.printing import cards
from desktop.printing.cards import (
    BAND_INSET,
    CARD_H,
    CARD_W,
    GRID_BOTTOM,
    GRID_LEFT,
    PAGE_H,
    PAGE_W,
    QR_BOX,
    back_slot_origin,
    calibration_page,
    cards_a4,
    cards_cr80,
    crop_lines,
    front_layout,
    slot_origin,
)
from desktop.printing.documents import CardBack, CardFace, PrintOffsets
from desktop.printing.fonts import text_width
from desktop.printing.qr import QUIET_ZONE_MODULES, qr_matrix
from tests.printing.pdfcheck import decode, font_report, mm_to_px, page_sizes_mm, pages, px

NAMES = ["张三", "欧阳娜娜", "阿不都热合曼·买买提", "李", "司马相如", "王小明"]
LONG_NAME = "阿不都热合曼·买买提·艾力江·吐尔逊·阿卜杜拉·穆罕默德·伊斯坎德尔汗·努尔兰江"  # 40


def faces_for(tokens: list[str], n: int = 10) -> list[CardFace]:
    return [
        CardFace(
            union_name="上海市总工会",
            station_name="浦东新区陆家嘴街道工会驿站",
            member_name=NAMES[i % len(NAMES)],
            member_number=f"SH{310000 + i}",
            occupation="快递员",
            issue_date=date(2026, 11, 23),
            qr_text=tokens[i],
            serial=1,
        )
        for i in range(n)
    ]


def dark_runs(values: list[bool]) -> list[float]:
    """Centres of the runs of True in ``values``."""
    centres, start = [], None
    for i, dark in enumerate([*values, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            centres.append((start + i - 1) / 2)
            start = None
    return centres


def crop_marks_in_image(image: Image.Image) -> tuple[list[float], list[float]]:
    """x of the vertical crop marks (in the top margin) and y of the horizontal ones (in the
    left margin), in pixels from the top-left corner, found in the rendered sheet."""
    grey = image.convert("L")
    top_band = int(px(PAGE_H - (GRID_BOTTOM + 5 * CARD_H)) - mm_to_px(3))
    row = int(top_band * 0.6)
    xs = dark_runs([grey.getpixel((x, row)) < 128 for x in range(grey.width)])
    column = int(px(GRID_LEFT) - mm_to_px(5))
    ys = dark_runs([grey.getpixel((column, y)) < 128 for y in range(grey.height)])
    return xs, ys


def test_every_qr_on_a_10_up_sheet_decodes_to_its_token(tokens: list[str]) -> None:
    faces = faces_for(tokens)
    (sheet,) = pages(cards_a4(faces), "a4-front")
    decoded = sorted(barcode.text for barcode in decode(sheet))
    assert decoded == sorted(tokens[:10])


def test_cr80_pages_are_card_sized_with_backs_following(tokens: list[str]) -> None:
    faces = faces_for(tokens, 3)
    pdf = cards_cr80(faces, CardBack())
    images = pages(pdf, "cr80")
    assert len(images) == 6
    for width, height in page_sizes_mm(pdf):
        assert width == pytest.approx(85.6, abs=0.01) and height == pytest.approx(54, abs=0.01)
    for i, face in enumerate(faces):
        assert [b.text for b in decode(images[2 * i])] == [face.qr_text]
        assert decode(images[2 * i + 1]) == []  # a back


def test_crop_marks_and_cards_agree_within_half_a_millimetre(tokens: list[str]) -> None:
    faces = faces_for(tokens)
    (sheet,) = pages(cards_a4(faces), "a4-positions")
    xs_px, ys_px = crop_marks_in_image(sheet)
    xs, ys = crop_lines()
    tolerance = mm_to_px(0.5)
    assert len(xs_px) == len(xs) and len(ys_px) == len(ys)
    for found, expected in zip(xs_px, xs, strict=True):
        assert abs(found - px(expected)) <= tolerance
    for found, expected in zip(ys_px, sorted(px(PAGE_H - y) for y in ys), strict=True):
        assert abs(found - expected) <= tolerance
    # each card's QR code sits where its cell between the crop marks puts it
    rows_top = ys_px  # from the top: row r spans ys_px[r] .. ys_px[r + 1]
    by_text = {barcode.text: barcode for barcode in decode(sheet)}
    for index, face in enumerate(faces):
        col, row = index % 2, index // 2
        card_left, card_top = xs_px[col], rows_top[row]
        corner = by_text[face.qr_text].position.top_left
        assert abs(corner.x - (card_left + px(QR_BOX.x))) <= tolerance
        assert abs(corner.y - (card_top + px(CARD_H - QR_BOX.top))) <= tolerance


def test_cards_and_crop_marks_stay_clear_of_the_page_edge() -> None:
    xs, ys = crop_lines()
    reach = cards.CROP_GAP + cards.CROP_LEN
    assert xs[0] - reach >= 10 * mm and PAGE_W - xs[-1] - reach >= 10 * mm
    assert ys[0] - reach >= 5 * mm and PAGE_H - ys[-1] - reach >= 5 * mm
    for index in range(10):
        x, y = slot_origin(index)
        assert x >= 0 and y >= 0 and x + CARD_W <= PAGE_W and y + CARD_H <= PAGE_H


def test_back_sheet_is_mirrored_left_to_right_and_shifted_by_the_offsets() -> None:
    for index in range(10):
        x, y = slot_origin(index)
        bx, by = back_slot_origin(index)
        assert bx == pytest.approx(PAGE_W - x - CARD_W) and by == pytest.approx(y)
        sx, sy = back_slot_origin(index, PrintOffsets(1.5, -2.0))
        assert sx == pytest.approx(bx + 1.5 * mm) and sy == pytest.approx(by - 2.0 * mm)


def red_left_edge(image: Image.Image, index: int, x: float, y: float) -> float | None:
    """Left edge (px) of the red band in the card cell at (x, y) points, or None."""
    probe_y = int(px(PAGE_H - y) - mm_to_px(6))  # through the back's lower band
    left, right = int(px(x)), int(px(x + CARD_W))
    for col in range(max(left, 0), min(right, image.width)):
        r, g, b = image.getpixel((col, probe_y))  # type: ignore[misc]
        if r > 150 and g < 80 and b < 80:
            return float(col)
    return None


@pytest.mark.parametrize("offsets", [PrintOffsets(), PrintOffsets(2.0, -1.0)])
def test_backs_land_behind_their_fronts_in_the_rendered_sheet(
    tokens: list[str], offsets: PrintOffsets
) -> None:
    faces = faces_for(tokens, 3)  # an odd count: left and right differ
    name = f"a4-backs-{offsets.x_mm:+g}-{offsets.y_mm:+g}"
    front, back = pages(cards_a4(faces, backs=True, offsets=offsets), name)
    assert len(decode(front)) == 3
    tolerance = mm_to_px(0.5)
    for index in range(3):
        x, y = back_slot_origin(index, offsets)
        edge = red_left_edge(back, index, x, y)
        assert edge is not None
        assert abs(edge - px(x + BAND_INSET)) <= tolerance
    # row 2 holds one card: its back is in the right-hand cell, the left-hand one is empty
    fx, fy = slot_origin(2)
    assert fx == pytest.approx(GRID_LEFT)
    assert red_left_edge(back, 2, GRID_LEFT + offsets.x_mm * mm, fy) is None


def test_fonts_are_embedded_and_no_other_font_is_used(tokens: list[str]) -> None:
    for pdf in (
        cards_a4(faces_for(tokens), backs=True),
        cards_cr80(faces_for(tokens, 1)),
        calibration_page(),
    ):
        names, descriptors, embedded = font_report(pdf)
        assert names and all("WenQuanYiMicroHei" in name for name in names)
        assert descriptors == len(names) == embedded


def test_a_40_character_name_and_long_fields_stay_in_their_boxes(tokens: list[str]) -> None:
    assert len(LONG_NAME) == 40
    face = CardFace(
        union_name="中华全国总工会新疆维吾尔自治区伊犁哈萨克自治州总工会" * 2,
        station_name="伊宁市解放路街道新时代文明实践站户外劳动者工会驿站（二号点）" * 2,
        member_name=LONG_NAME,
        member_number="XJ-ILI-0000000000123456789",
        occupation="城市道路清扫保洁员兼园林绿化养护工" * 3,
        issue_date=date(2026, 12, 31),
        qr_text=tokens[0],
        serial=12,
    )
    layout = front_layout(face)
    qr_left = QR_BOX.x - QUIET_ZONE_MODULES * QR_BOX.w / qr_matrix(face.qr_text).size
    for item in layout.texts:
        box, fitted = item.box, item.fitted
        assert fitted.height <= box.h + 1e-6
        for line in fitted.lines:
            width = text_width(line, fitted.size)
            assert width <= box.w + 1e-6, (line, width, box.w)
            assert item.line_x(line) >= box.x - 1e-6
        assert box.x >= 3 * mm and box.right <= CARD_W - 3 * mm
        assert box.y >= 2 * mm and box.top <= CARD_H - BAND_INSET
        if box.y < QR_BOX.top + 3 * mm:  # beside the code: left of its quiet zone
            assert box.right <= qr_left
    name = next(item for item in layout.texts if item.fitted.lines[0].startswith("阿不都"))
    assert "".join(name.fitted.lines) == LONG_NAME and name.fitted.size >= 7
    pdf = cards_cr80([face])
    (image,) = pages(pdf, "cr80-long-name")
    assert [b.text for b in decode(image)] == [face.qr_text]


def test_qr_is_at_least_20_mm_wide_with_its_quiet_zone_clear(tokens: list[str]) -> None:
    assert QR_BOX.w >= 20 * mm
    assert all(cards.qr_quiet_zone_ok(face) for face in faces_for(tokens, 5))


def test_calibration_page_has_a_front_and_a_mirrored_back() -> None:
    pdf = calibration_page(PrintOffsets(0.5, 0.5))
    front, back = pages(pdf, "calibration")
    assert front.size == back.size
    assert page_sizes_mm(pdf)[0] == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))


def test_no_cards_is_an_error() -> None:
    with pytest.raises(ValueError):
        cards_a4([])
    with pytest.raises(ValueError):
        cards_cr80([])


def test_a_station_without_a_union_heads_its_card_once(tokens: list[str]) -> None:
    from dataclasses import replace

    from desktop.printing.cards import cards_cr80
    from tests.printing.pdfcheck import page_texts

    face = faces_for(tokens, 1)[0]
    alone = replace(face, union_name="")
    front = page_texts(cards_cr80([alone]))[0]
    assert front.count(face.station_name) == 1 and "上海市总工会" not in front
    both = page_texts(cards_cr80([face]))[0]
    assert both.count(face.station_name) == 1 and "上海市总工会" in both


def test_compose_leaves_the_union_empty_when_the_station_has_none(tokens: list[str]) -> None:
    from types import SimpleNamespace

    from desktop.printing import compose

    member = SimpleNamespace(name="张三", member_number="7KQ3M2-0001", occupation="快递员")
    card = SimpleNamespace(member=member, serial=1, issued_on="2026-11-23", qr_text=tokens[0])
    station = SimpleNamespace(name="测试街道工会驿站", union_name=None)
    face = compose.card_face(card, station)  # type: ignore[arg-type]
    assert (face.union_name, face.station_name) == ("", "测试街道工会驿站")

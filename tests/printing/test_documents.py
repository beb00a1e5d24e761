"""Certificates and sign-in sheets: Chinese text present, QR decodes, page numbers, fonts."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.lib.colors import HexColor

from desktop.printing.certificates import (
    DEFAULT_TEMPLATE,
    PAGE_H,
    Field,
    TemplateError,
    certificate_pdf,
    field_text,
    load_template,
    values,
)
from desktop.printing.documents import Certificate, SignInSheet
from desktop.printing.signin_sheet import page_count, rows_per_page, signin_sheet_pdf
from tests.printing.pdfcheck import decode, font_report, page_sizes_mm, page_texts, pages, px

URL = (
    "https://verify.example.org/c/C2026-000123?s=" + "k3j5m2n7q4r6t2v5w7x3y4z6a2b3c4d5e6f7g2h3" * 2
)

TRAINING = Certificate(
    title="结业证书",
    recipient="欧阳娜娜",
    for_text="电工技能提升培训班（低压电工作业）",
    hours=Decimal("32.5"),
    start=date(2026, 3, 1),
    end=date(2026, 3, 20),
    issuer="上海市浦东新区总工会",
    issued_on=date(2026, 3, 21),
    serial="C2026-000123",
    qr_text=URL,
)
AWARD = Certificate(
    title="荣誉证书",
    recipient="阿不都热合曼·买买提",
    for_text="在2026年浦东新区职工职业技能大赛快递员项目中荣获一等奖",
    hours=Decimal(8),  # an award prints no hours, even if some were recorded
    start=None,
    end=None,
    issuer="上海市浦东新区总工会",
    issued_on=date(2026, 5, 1),
    serial="H2026-000002",
    qr_text=URL.replace("000123", "000002"),
)


def test_certificates_render_with_chinese_text_and_a_decodable_qr() -> None:
    pdf = certificate_pdf([TRAINING, AWARD])
    images = pages(pdf, "certificate")
    texts = page_texts(pdf)
    assert len(images) == 2
    for width, height in page_sizes_mm(pdf):
        assert (width, height) == (pytest.approx(297, abs=0.1), pytest.approx(210, abs=0.1))
    for cert, image, text in zip((TRAINING, AWARD), images, texts, strict=True):
        assert cert.recipient in text and cert.issuer in text and cert.serial in text
        assert [b.text for b in decode(image)] == [cert.qr_text]
    assert "32.5" in texts[0] and "2026年3月1日" in texts[0]
    assert "学时" not in texts[1] and "至" not in texts[1]  # no hours, no dates: left out
    assert "扫码验证真伪" in texts[0]
    names, descriptors, embedded = font_report(pdf)
    assert names and all("WenQuanYiMicroHei" in n for n in names)
    assert descriptors == len(names) == embedded


def _sentence(cert: Certificate) -> str:
    body = next(field for field in load_template().fields if field.name == "body")
    return field_text(body, values(cert), cert.title)


@pytest.mark.parametrize("title", ["结业证书", "培训证书"])
def test_a_course_certificate_reads_as_one_sentence(title: str) -> None:
    cert = replace(TRAINING, title=title, hours=Decimal(40))
    assert _sentence(cert) == (
        "欧阳娜娜同志于2026年3月1日至2026年3月20日参加电工技能提升培训班（低压电工作业），"
        "完成40学时，经考核合格，特发此证。"
    )
    plain = replace(cert, for_text="家政服务技能", hours=None, start=None, end=None)
    assert _sentence(plain) == "欧阳娜娜同志参加家政服务技能培训，经考核合格，特发此证。"


def test_an_award_has_no_hours() -> None:
    assert _sentence(AWARD) == (
        "阿不都热合曼·买买提同志在2026年浦东新区职工职业技能大赛快递员项目中荣获一等奖，"
        "特发此证，以资鼓励。"
    )
    short = replace(AWARD, for_text="快递技能竞赛一等奖")
    assert _sentence(short) == "阿不都热合曼·买买提同志荣获快递技能竞赛一等奖，特发此证，以资鼓励。"


def test_pieces_without_a_value_and_their_separators_are_left_out() -> None:
    field = Field(
        "details",
        ("学时：{hours} 学时", "  ·  ", "时间：{start} 至 {end}"),
        load_template().qr,
        12,
        8,
        1,
        HexColor("#000000"),
        "centre",
        False,
        0.0,
    )
    assert field_text(field, values(AWARD)) == "学时：8 学时"
    no_hours = values(TRAINING) | {"hours": None}
    assert field_text(field, no_hours) == "时间：2026年3月1日 至 2026年3月20日"


def test_the_seal_from_settings_is_printed_over_the_issuer(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    seal = tmp_path / "seal.png"
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 20, 20, 230), width=16)
    image.save(seal)
    plain = certificate_pdf([TRAINING])
    sealed = certificate_pdf([TRAINING], seal_image=seal)
    assert b"/Subtype /Image" not in plain and b"/Subtype /Image" in sealed
    (shot,) = pages(sealed, "certificate-sealed")
    box = load_template().seal
    assert box is not None
    red = shot.getpixel((round(px(box.box.x + box.box.w / 2)), round(px(PAGE_H - box.box.y) - 12)))
    assert red[0] > 150 and red[1] < 100  # the seal's ring at the bottom of its box
    words = page_texts(sealed)[0]
    assert TRAINING.issuer in words  # the transparent seal leaves the issuer readable


def test_a_copied_template_can_move_fields_and_add_a_seal(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    seal = tmp_path / "seal.png"
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((5, 5, 195, 195), outline=(200, 20, 20, 255), width=8)
    image.save(seal)
    raw = json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    raw["seal"]["path"] = "seal.png"
    raw["fields"][0]["size"] = 30
    copy = tmp_path / "mine.json"
    copy.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    pdf = certificate_pdf([TRAINING], copy)
    (shot,) = pages(pdf, "certificate-seal")
    assert b"/Subtype /Image" in pdf
    assert [b.text for b in decode(shot)] == [TRAINING.qr_text]


def test_a_broken_template_is_refused_with_the_key_named(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    raw["fields"][2]["x_mm"] = 290  # off the page
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"fields\[2\]"):
        certificate_pdf([TRAINING], bad)
    with pytest.raises(TemplateError):
        load_template(tmp_path / "missing.json")


def test_signin_sheet_pages_repeat_the_header_and_are_numbered() -> None:
    rng = random.Random(5)
    per = rows_per_page()
    people = tuple(
        (
            rng.choice(["张三", "欧阳娜娜", "阿不都热合曼·买买提·艾力江·吐尔逊·阿卜杜拉"]),
            f"SH{i:06d}",
        )
        for i in range(2 * per + 3)
    )
    sheet = SignInSheet("工会驿站签到表", "浦东新区陆家嘴街道工会驿站", people, date(2026, 11, 23))
    assert page_count(sheet) == 3
    pdf = signin_sheet_pdf(sheet)
    images = pages(pdf, "signin")
    texts = page_texts(pdf)
    assert len(images) == 3
    for n, text in enumerate(texts, start=1):
        for heading in ("序号", "姓名", "会员号", "签名", "工会驿站签到表"):
            assert heading in text
        assert f"第 {n} 页 / 共 3 页" in text
    assert people[0][1] in texts[0] and people[-1][1] in texts[2]
    assert "张三" in "".join(texts)
    names, descriptors, embedded = font_report(pdf)
    assert descriptors == len(names) == embedded


def test_an_empty_signin_sheet_is_one_page_of_blank_rows() -> None:
    pdf = signin_sheet_pdf(SignInSheet("签到表", "", ()))
    assert len(page_texts(pdf)) == 1

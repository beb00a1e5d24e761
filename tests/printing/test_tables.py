"""A course report as tables on A4 landscape: every row printed, headers repeated on each new
page, the font embedded, the text extractable."""

from __future__ import annotations

from desktop.printing.tables import Table, TableReport, table_report_pdf
from tests.printing.pdfcheck import font_report, page_sizes_mm, page_texts


def test_a_long_table_runs_over_pages_and_keeps_every_row() -> None:
    rows = tuple((str(i), f"学员{i}", f"7KQ3M2-{i:04d}") for i in range(1, 61))
    report = TableReport(
        "电工安全培训",
        "刘老师 · 共 16 学时",
        (Table("名单", ("序号", "姓名", "会员号"), rows), Table("证书", ("编号",), ())),
    )
    pdf = table_report_pdf(report)
    sizes = page_sizes_mm(pdf)
    assert len(sizes) >= 3 and all(round(w) == 297 and round(h) == 210 for w, h in sizes)
    texts = page_texts(pdf)
    joined = "".join(texts)
    assert all(f"7KQ3M2-{i:04d}" in joined for i in range(1, 61))
    assert all("会员号" in page for page in texts[:2])  # headers again on the next page
    assert "证书" in texts[-1] and "– 1 –" in texts[0]
    names, descriptors, embedded = font_report(pdf)
    assert names and descriptors == len(names) == embedded

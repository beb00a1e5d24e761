"""Rosters typed by many hands: which column is which, and each cell as the text it means.

Pure functions without I/O. A spreadsheet arrives as rows of cells (text, numbers, dates,
empty); ``find_header`` finds the header row below any title rows, ``guess_mapping`` names
the member field of each column from its heading (姓名, 手机号, 身份证号, ...), and
``row_values`` turns one data row into the text the registration form would have received.
Refusals are ``InvalidInput`` with a message code, as at the desk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from desktop.domain.errors import InvalidInput
from desktop.domain.people import normalise_digits

Cell = str | int | float | bool | datetime | date | time | None

# The member fields an import can fill, in the order the wizard shows them.
FIELDS: tuple[str, ...] = (
    "name",
    "phone",
    "id_number",
    "employer",
    "occupation",
    "union_branch",
    "tags",
)

# Headings seen on real rosters, per field. Compared after ``header_key`` (NFKC, lower case,
# no spaces or decoration), first exactly, then as a part of the heading (longest first).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "会员姓名", "职工姓名", "人员姓名", "name", "fullname", "姓名*"),
    "phone": (
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话",
        "电话号码",
        "联系方式",
        "移动电话",
        "phone",
        "mobile",
        "tel",
        "telephone",
    ),
    "id_number": (
        "身份证",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "证件号",
        "idnumber",
        "idcard",
        "id",
    ),
    "employer": (
        "工作单位",
        "单位",
        "单位名称",
        "所在单位",
        "平台",
        "所属平台",
        "所属企业",
        "企业",
        "公司",
        "employer",
        "company",
        "platform",
    ),
    "occupation": ("职业", "工种", "岗位", "职业类别", "从业类型", "occupation", "job", "trade"),
    "union_branch": (
        "工会",
        "所属工会",
        "基层工会",
        "工会名称",
        "所在工会",
        "unionbranch",
        "union",
    ),
    "tags": ("标签", "类别", "人员类别", "人员类型", "身份类别", "tags", "tag", "category"),
}

# Title rows, notes and blank lines above the header: looked for within this many rows.
HEADER_SCAN_ROWS = 15
_DECORATION = re.compile(r"[\s\*＊:：()（）\[\]【】_\-./、]+")
_REQUIRED_NOTE = re.compile(r"[（(]?(必填|选填|可选|必须|required|optional)[)）]?")
_TAG_SEPARATORS = re.compile(r"[,，、;；/|\n]+")
# "1.10105E+17": a number Excel showed (or saved to CSV) in scientific notation.
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE][+]?[0-9]+")
# Excel keeps 15 significant digits; an 18-digit ID number stored as a number lost the rest.
_EXCEL_DIGITS = 15


def header_key(text: str) -> str:
    """A heading as compared: NFKC, lower case, without spaces, stars, colons, brackets."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    return _DECORATION.sub("", _REQUIRED_NOTE.sub("", lowered))


_EXACT = {
    header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases
}
# Parts of headings, longest first, so 身份证号码 wins over 号码 and 所属工会 over 工会.
_PARTS = sorted(
    ((header_key(alias), field) for field, aliases in HEADER_ALIASES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)


def guess_field(heading: str) -> str | None:
    """The member field a column heading names, or None."""
    key = header_key(heading)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for part, field in _PARTS:
        # Short Latin aliases ("id", "tel") only as whole headings: "identity" is no ID.
        if len(part) >= 2 and not part.isascii() and part in key:
            return field
    return None


def guess_mapping(headings: Sequence[str]) -> dict[int, str]:
    """Column index -> field for every heading recognised; each field at most once."""
    mapping: dict[int, str] = {}
    for index, heading in enumerate(headings):
        field = guess_field(heading)
        if field is not None and field not in mapping.values():
            mapping[index] = field
    return mapping


def find_header(rows: Sequence[Sequence[Cell]]) -> int | None:
    """Index of the header row: the one among the first rows naming the most fields.

    It must name the person's name column and one other field; title rows ("XX工会会员花名册")
    and notes above it name none. Of equals the lower wins: in a two-row header with merged
    cells ("联系方式" over "手机号" and "固定电话") the lower row names the columns themselves.
    """
    best, best_count = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = guess_mapping([cell_text(cell) for cell in row])
        if "name" in mapping.values() and len(mapping) >= max(best_count, 2):
            best, best_count = index, len(mapping)
    return best


def cell_text(value: Cell) -> str:
    """What a cell says, as text: whole floats without ``.0``, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 10**_EXCEL_DIGITS:
            return str(int(value))
        return format(value, ".15G")  # as Excel shows it: 9.90000198511204E+17
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return " ".join(str(value).split())


def id_number_text(value: Cell) -> str:
    """The ID number in a cell; refused when Excel stored it as a number and rounded it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 10**_EXCEL_DIGITS:
            raise InvalidInput("import.id_rounded", field="id_number", value=cell_text(value))
        return cell_text(value)
    text = normalise_digits(cell_text(value))
    if _SCIENTIFIC.fullmatch(text):
        raise InvalidInput("import.id_rounded", field="id_number", value=text)
    return text


def split_tags(text: str) -> tuple[str, ...]:
    """``困难职工、新就业形态劳动者`` -> two tags; commas, semicolons and slashes too."""
    return tuple(t.strip() for t in _TAG_SEPARATORS.split(text) if t.strip())


def row_values(row: Sequence[Cell], mapping: Mapping[int, str]) -> dict[str, str]:
    """The text of each mapped field in one data row (missing cells are empty)."""
    values: dict[str, str] = {}
    for index, field in mapping.items():
        cell = row[index] if index < len(row) else None
        values[field] = id_number_text(cell) if field == "id_number" else cell_text(cell)
    return values


def is_blank(row: Sequence[Cell]) -> bool:
    return all(cell_text(cell) == "" for cell in row)


# The footer of a roster: "合计 120 人", "总计", "小计", "Total". Read as a name, it would be
# refused as a bad name; the person is told it is a totals row instead.
_TOTALS = re.compile(r"^(?:合计|总计|小计|共计|合計|總計|小計|(?:totals?|sum)\b)", re.IGNORECASE)


def is_totals_row(row: Sequence[Cell]) -> bool:
    """A row whose first or second cell with text starts with a word that ends a table
    (合计, Total): the numbering column of a footer is often empty, sometimes not."""
    texts = (t for t in ("".join(cell_text(c).split()) for c in row) if t)
    return any(_TOTALS.match(text) is not None for _, text in zip(range(2), texts, strict=False))

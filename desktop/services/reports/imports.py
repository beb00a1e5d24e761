"""Import members from a roster (.xlsx .xls .ods .csv): every row imported or listed with why.

Rows are cleaned exactly as the desk's registration form is (``members.clean_form``), then
matched against the register by phone, ID-number hash or, for people with neither, by name:
a match is updated or skipped as the person chooses, so importing the same file twice
creates nobody twice. New members get member numbers of this device, search keys, a first
revision and a ``member.registered`` outbox event, as at the desk, but written in
transactions of ``BATCH_ROWS`` rows with set lookups instead of per-row queries.
The source file is only read, never copied into the data folder.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from desktop.domain.clock import to_iso
from desktop.domain.errors import AppError, InvalidInput, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.import_mapping import (
    FIELDS,
    HEADER_SCAN_ROWS,
    Cell,
    cell_text,
    find_header,
    guess_mapping,
    is_blank,
    is_totals_row,
    row_values,
    split_tags,
)
from desktop.domain.model import DeskContext, Role
from desktop.domain.people import format_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.i18n import tr
from desktop.services.desk.operators import require_role
from desktop.services.members.commands import (
    CleanMember,
    MemberForm,
    clean_form,
    payload_of,
    search_keys,
)
from desktop.services.reports.spreadsheets import (
    Sheet,
    Table,
    read_sheet,
    sheet_names,
    write_tables,
)
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.reports.repositories import KnownMember, MemberIndex, Rosters
from desktop.storage.uow import UnitOfWork
from sync.protocol.events.members import MEMBER_REGISTERED, MEMBER_UPDATED, MemberPayload

log = logging.getLogger(__name__)

ON_MATCH = ("update", "skip")
BATCH_ROWS = 1000
PREVIEW_ROWS = 20
TOP_ROWS = 12  # of the file as it is, shown where the person picks the header row

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SheetLayout:
    """What the wizard shows after a file is picked: sheets, header row, guessed mapping."""

    path: str
    sheets: tuple[str, ...]
    sheet: str
    header_row: int | None  # as Excel numbers rows; None: no header recognised
    headings: tuple[str, ...]
    mapping: dict[int, str]  # column index -> member field
    data_rows: int  # non-blank rows below the header
    rows: int = 0  # rows in the sheet, header and blanks included
    top: tuple[tuple[str, ...], ...] = ()  # the first rows as they read, to find the header


@dataclass(frozen=True)
class RowProblem:
    """A row not imported: its number in the file, why (a message code), and its cells."""

    row: int
    code: str
    params: dict[str, Any]
    cells: tuple[str, ...]

    def reason(self) -> str:
        return tr(self.code, **self.params)


@dataclass(frozen=True)
class PreviewRow:
    row: int
    values: dict[str, str]  # field -> the value as it will be stored
    problem: RowProblem | None


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | None = None
    mapping: Mapping[int, str] | None = None  # None: as guessed from the headings
    on_match: str = "update"
    header_row: int | None = None  # as Excel numbers rows; None: as guessed
    # The people on the roster agreed to the use of their data (paper forms), as the
    # desk's consent box says; without it, rows with a phone or an ID number are refused.
    consent: bool = True


@dataclass(frozen=True)
class ImportResult:
    path: str
    sheet: str
    header_row: int
    headings: tuple[str, ...]
    rows: int  # non-blank data rows in the file
    processed: int  # rows looked at (all of them unless cancelled)
    imported: int
    updated: int
    unchanged: int
    skipped: tuple[RowProblem, ...]  # matched an existing member and the person chose skip
    refused: tuple[RowProblem, ...]
    blank: int
    cancelled: bool = False
    member_numbers: tuple[str, ...] = field(default=(), repr=False)  # of new members


# --- reading -------------------------------------------------------------------------------


def _header_of(sheet: Sheet) -> int | None:
    """The header row; failing a clear one, the first row with a name heading."""
    found = find_header(sheet.rows)
    if found is not None:
        return found
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if "name" in guess_mapping([cell_text(c) for c in row]).values():
            return index
    return None


def _load(path: str | os.PathLike[str], sheet: str | None) -> tuple[tuple[str, ...], Sheet]:
    """The sheet asked for, or the first one whose header is recognised (else the first)."""
    names = sheet_names(path)
    if sheet is not None:
        return names, read_sheet(path, sheet)
    first: Sheet | None = None
    for name in names:
        candidate = read_sheet(path, name)
        if _header_of(candidate) is not None:
            return names, candidate
        first = first or candidate
    assert first is not None
    return names, first


def _header_row(sheet: Sheet, asked: int | None) -> int | None:
    """Index of the header row: the one the person named (1 = the first row), or a guess."""
    if asked is None:
        return _header_of(sheet)
    if not 1 <= asked <= len(sheet.rows):
        raise InvalidInput("import.header_row", field="header_row", rows=len(sheet.rows))
    return asked - 1


def inspect(
    path: str | os.PathLike[str], sheet: str | None = None, header_row: int | None = None
) -> SheetLayout:
    """Sheets of the file, and the header and mapping guessed for ``sheet``.

    Without ``sheet``: the first sheet whose header is recognised (else the first sheet).
    ``header_row`` (as Excel numbers rows) overrides the guess of where the header is.
    """
    names, chosen = _load(path, sheet)
    header = _header_row(chosen, header_row)
    headings: tuple[str, ...] = ()
    mapping: dict[int, str] = {}
    data_rows = 0
    if header is not None:
        headings = tuple(cell_text(c) for c in chosen.rows[header])
        mapping = guess_mapping(headings)
        data_rows = sum(1 for row in chosen.rows[header + 1 :] if not is_blank(row))
    return SheetLayout(
        path=str(path),
        sheets=names,
        sheet=chosen.name,
        header_row=None if header is None else header + 1,
        headings=headings,
        mapping=mapping,
        data_rows=data_rows,
        rows=len(chosen.rows),
        top=tuple(_cells(row) for row in chosen.rows[:TOP_ROWS]),
    )


def check_mapping(mapping: Mapping[int, str]) -> dict[int, str]:
    """A mapping the import can use: known fields, each once, a name column among them."""
    clean: dict[int, str] = {}
    for column, name in mapping.items():
        if not name:
            continue
        if name not in FIELDS:
            raise InvalidInput("import.unknown_field", field="mapping", name=str(name)[:40])
        if name in clean.values():
            raise InvalidInput("import.field_twice", field="mapping", name=tr("field." + name))
        clean[int(column)] = name
    if "name" not in clean.values():
        raise InvalidInput("import.no_name_column", field="mapping")
    return clean


def mapping_from_json(text: str, headings: Sequence[str]) -> dict[int, str]:
    """``{"姓名": "name", "C": "phone", "3": "id_number"}``: heading, column letter or number
    (1 = the first column) -> field; ``""`` leaves a column out. Text or a .json file name."""
    source = text
    if not text.lstrip().startswith("{") and Path(text).is_file():
        source = Path(text).read_text(encoding="utf-8")
    try:
        raw = json.loads(source)
    except ValueError:
        raise InvalidInput("import.mapping_json", field="mapping") from None
    if not isinstance(raw, dict):
        raise InvalidInput("import.mapping_json", field="mapping")
    wanted = {" ".join(h.split()): i for i, h in enumerate(headings)}
    mapping = guess_mapping(headings)
    for key, name in raw.items():
        column = _column_of(str(key), wanted)
        mapping = {c: f for c, f in mapping.items() if f != name and c != column}
        if name:
            mapping[column] = str(name)
    return check_mapping(mapping)


def _column_of(key: str, headings: Mapping[str, int]) -> int:
    text = " ".join(key.split())
    if text in headings:
        return headings[text]
    if text.isdigit() and int(text) >= 1:
        return int(text) - 1
    if text.isascii() and text.isalpha() and len(text) <= 3:
        index = 0
        for char in text.upper():
            index = index * 26 + ord(char) - 64
        return index - 1
    raise InvalidInput("import.mapping_column", field="mapping", column=text[:40])


def _form(values: Mapping[str, str], consent: bool) -> MemberForm:
    return MemberForm(
        name=values.get("name", ""),
        phone=values.get("phone", ""),
        occupation=values.get("occupation", ""),
        employer=values.get("employer", ""),
        union_branch=values.get("union_branch", ""),
        tags=split_tags(values.get("tags", "")),
        id_number=values.get("id_number", ""),
        consent=consent,
    )


def _cells(row: Sequence[Cell]) -> tuple[str, ...]:
    return tuple(cell_text(c) for c in row)


def _clean_row(
    number: int,
    row: Sequence[Cell],
    mapping: Mapping[int, str],
    consent: bool,
    key: bytes,
    sheet: Sheet,
) -> CleanMember | RowProblem:
    found = sheet.problems.get(number - 1)
    if found is not None:
        return RowProblem(number, found[0], dict(found[1]), _cells(row))
    if is_totals_row(row):
        return RowProblem(number, "import.totals_row", {}, _cells(row))
    try:
        return clean_form(_form(row_values(row, mapping), consent), key)
    except AppError as error:
        return RowProblem(number, error.code, dict(error.params), _cells(row))


def preview(
    path: str | os.PathLike[str],
    sheet: str | None,
    header_row: int,
    mapping: Mapping[int, str],
    uow: UnitOfWork,
    consent: bool = True,
    limit: int = PREVIEW_ROWS,
) -> list[PreviewRow]:
    """The first rows as they would be stored (or why they would not be)."""
    mapping = check_mapping(mapping)
    table = read_sheet(path, sheet)
    shown: list[PreviewRow] = []
    for index in range(header_row, len(table.rows)):
        row = table.rows[index]
        if is_blank(row) and index not in table.problems:
            continue
        clean = _clean_row(index + 1, row, mapping, consent, uow.id_hash_key, table)
        if isinstance(clean, RowProblem):
            shown.append(PreviewRow(index + 1, {}, clean))
        else:
            shown.append(PreviewRow(index + 1, _stored_values(clean), None))
        if len(shown) >= limit:
            break
    return shown


def _stored_values(clean: CleanMember) -> dict[str, str]:
    return {
        "name": clean.name,
        "phone": clean.phone or "",
        "id_number": f"****{clean.id_last4}" if clean.id_last4 else "",
        "employer": clean.employer,
        "occupation": clean.occupation,
        "union_branch": clean.union_branch,
        "tags": "、".join(clean.tags),
    }


# --- importing -----------------------------------------------------------------------------


@dataclass
class _Run:
    """State of one import across its batches."""

    index: MemberIndex
    seen_phone: dict[str, int] = field(default_factory=dict)
    seen_hash: dict[str, int] = field(default_factory=dict)
    seen_name: dict[str, int] = field(default_factory=dict)
    seen_member: dict[str, int] = field(default_factory=dict)
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowProblem] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    keys_cache: dict[str, tuple[list[str], str]] = field(default_factory=dict)


def import_members(
    path: str | os.PathLike[str],
    options: ImportOptions,
    uow: UnitOfWork,
    ctx: DeskContext,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import the roster at ``path``. Station leads and admins only.

    ``progress(done, total)`` is called after each committed batch; ``should_stop()`` is
    asked before each batch, and a cancelled import keeps the batches already committed.
    """
    require_role(ctx, Role.LEAD)
    if options.on_match not in ON_MATCH:
        raise InvalidInput("import.on_match", field="on_match")
    _names, table = _load(path, options.sheet)
    header = _header_row(table, options.header_row)
    if header is None:
        raise InvalidInput("import.no_header", field="file", sheet=table.name[:50])
    headings = tuple(cell_text(c) for c in table.rows[header])
    mapping = check_mapping(
        options.mapping if options.mapping is not None else guess_mapping(headings)
    )
    data = [
        (index + 1, row)
        for index, row in enumerate(table.rows)
        if index > header and (not is_blank(row) or index in table.problems)
    ]
    blank = len(table.rows) - header - 1 - len(data)
    with uow.reading():
        run = _Run(uow.repo(Rosters).member_index())
    processed = 0
    cancelled = False
    for start in range(0, len(data), BATCH_ROWS):
        if should_stop is not None and should_stop():
            cancelled = True
            break
        batch = data[start : start + BATCH_ROWS]
        _import_batch(batch, mapping, options, run, uow, ctx, table)
        processed += len(batch)
        if progress is not None:
            progress(processed, len(data))
    log.info(
        "import of %s: %d rows, %d new, %d updated, %d refused%s",
        Path(path).name,
        len(data),
        run.imported,
        run.updated,
        len(run.refused),
        " (cancelled)" if cancelled else "",
    )
    return ImportResult(
        path=str(path),
        sheet=table.name,
        header_row=header + 1,
        headings=headings,
        rows=len(data),
        processed=processed,
        imported=run.imported,
        updated=run.updated,
        unchanged=run.unchanged,
        skipped=tuple(run.skipped),
        refused=tuple(run.refused),
        blank=blank,
        cancelled=cancelled,
        member_numbers=tuple(run.numbers),
    )


def _refuse(run: _Run, number: int, row: Sequence[Cell], code: str, **params: Any) -> None:
    run.refused.append(RowProblem(number, code, params, _cells(row)))


def _match(
    run: _Run, number: int, row: Sequence[Cell], clean: CleanMember
) -> tuple[bool, KnownMember | None]:
    """(usable, existing member): duplicates within the file and ambiguous matches refused."""
    for value, seen in (
        (clean.phone, run.seen_phone),
        (clean.id_hash, run.seen_hash),
    ):
        if value and value in seen:
            _refuse(run, number, row, "import.duplicate_in_file", first=seen[value])
            return False, None
    bare = not clean.phone and not clean.id_hash
    if bare and clean.name in run.seen_name:
        _refuse(run, number, row, "import.duplicate_in_file", first=run.seen_name[clean.name])
        return False, None
    index = run.index
    found: list[KnownMember] = []
    if clean.id_hash:
        found = index.by_id_hash.get(clean.id_hash, [])
    if not found and clean.phone:
        found = index.by_phone.get(clean.phone, [])
        if len(found) == 1 and clean.id_hash and found[0].id_hash not in (None, clean.id_hash):
            _refuse(run, number, row, "import.phone_other_id")
            return False, None
        if len(found) == 1 and found[0].name != clean.name:
            # Another person on a shared phone, or a typo: a person decides, not the import.
            other = found[0]
            _refuse(
                run,
                number,
                row,
                "import.phone_other_name",
                name=other.name,
                member_number=other.member_number,
            )
            return False, None
    if not found and bare:
        found = index.by_bare_name.get(clean.name, [])
    if len(found) > 1:
        _refuse(run, number, row, "import.ambiguous", count=len(found))
        return False, None
    match = found[0] if found else None
    if match is not None and match.id in run.seen_member:
        _refuse(run, number, row, "import.duplicate_in_file", first=run.seen_member[match.id])
        return False, None
    if clean.phone:
        run.seen_phone[clean.phone] = number
    if clean.id_hash:
        run.seen_hash[clean.id_hash] = number
    if bare:
        run.seen_name[clean.name] = number
    if match is not None:
        run.seen_member[match.id] = number
    return True, match


def _reindex(index: MemberIndex, known: KnownMember, clean: CleanMember) -> None:
    """The index as it will be once this update is stored: a phone given up is free for
    a later row of the same file, a new phone or ID number is taken."""
    after = KnownMember(
        known.id,
        clean.phone or known.phone,
        clean.id_hash or known.id_hash,
        clean.name,
        known.member_number,
    )
    if after == known:
        return
    for table, key in (
        (index.by_phone, known.phone),
        (index.by_id_hash, known.id_hash),
        (index.by_bare_name, known.name),
    ):
        if key and key in table:
            table[key] = [k for k in table[key] if k.id != known.id]
    Rosters.remember(index, after)


def _import_batch(
    batch: Sequence[tuple[int, Sequence[Cell]]],
    mapping: Mapping[int, str],
    options: ImportOptions,
    run: _Run,
    uow: UnitOfWork,
    ctx: DeskContext,
    sheet: Sheet,
) -> None:
    new: list[tuple[int, CleanMember]] = []
    updates: list[tuple[CleanMember, str]] = []
    for number, row in batch:
        clean = _clean_row(number, row, mapping, options.consent, uow.id_hash_key, sheet)
        if isinstance(clean, RowProblem):
            run.refused.append(clean)
            continue
        usable, match = _match(run, number, row, clean)
        if not usable:
            continue
        if match is None:
            new.append((number, clean))
        elif options.on_match == "skip":
            run.skipped.append(RowProblem(number, "import.already_member", {}, _cells(row)))
        else:
            updates.append((clean, match.id))
            _reindex(run.index, match, clean)
    with uow:
        device = uow.device.get()
        if device is None:
            raise RuleViolation("setup.required")
        at = to_iso(uow.now())
        if new:
            _insert_new(new, device.code, run, uow, ctx, at)
        if updates:
            _apply_updates(updates, run, uow, ctx, at)
        uow.commit()


def _insert_new(
    new: Sequence[tuple[int, CleanMember]],
    device_code: str,
    run: _Run,
    uow: UnitOfWork,
    ctx: DeskContext,
    at: str,
) -> None:
    first = uow.device.take_member_seq(len(new))
    members: list[dict[str, Any]] = []
    keys: list[dict[str, str]] = []
    events: list[tuple[str, MemberPayload]] = []
    for offset, (_number, clean) in enumerate(new):
        member_number = format_member_number(device_code, first + offset)
        cached = run.keys_cache.get(clean.name)
        if cached is None:
            cached = (sorted(search_keys(clean.name, "")), sort_key(clean.name))
            run.keys_cache[clean.name] = cached
        name_keys, name_sort = cached
        values: dict[str, Any] = {
            "id": new_id(),
            "member_number": member_number,
            "name": clean.name,
            "name_sort": name_sort,
            "phone": clean.phone,
            "phone_tail": phone_tail(clean.phone) if clean.phone else None,
            "occupation": clean.occupation,
            "employer": clean.employer,
            "union_branch": clean.union_branch,
            "tags": json.dumps(list(clean.tags), ensure_ascii=False),
            "id_hash": clean.id_hash,
            "id_last4": clean.id_last4,
            "consent_at": at if clean.consent else None,
            "active": True,
            "deactivated_reason": None,
            "version": 1,
            "station_id": ctx.station_id,
            "device_id": ctx.device_id,
            "operator_id": ctx.operator_id,
            "device_time": at,
            "updated_at": at,
            "from_card": False,
        }
        members.append(values)
        member_keys = set(name_keys)
        member_keys.add(member_number.replace("-", "").lower())
        keys.extend({"key": k, "member_id": values["id"]} for k in member_keys)
        # The desk's payload, read from the row's values (no ORM object needed to insert).
        row = cast(MemberRow, SimpleNamespace(**values))
        events.append((values["id"], payload_of(row, name_keys)))
        Rosters.remember(
            run.index,
            KnownMember(values["id"], clean.phone, clean.id_hash, clean.name, member_number),
        )
        run.numbers.append(member_number)
    uow.repo(Rosters).add_members(members, keys, ctx.operator_id, at)
    uow.repo(Rosters).append_events(MEMBER_REGISTERED, events, ctx, at)
    run.imported += len(new)


def _apply_updates(
    updates: Sequence[tuple[CleanMember, str]],
    run: _Run,
    uow: UnitOfWork,
    ctx: DeskContext,
    at: str,
) -> None:
    """Fill in what the file says; a field the file leaves empty keeps what is on file."""
    rows = uow.repo(Rosters).rows([member_id for _clean, member_id in updates])
    for clean, member_id in updates:
        row = rows[member_id]
        before = {c.name: getattr(row, c.name) for c in MemberRow.__table__.columns}
        row.name = clean.name
        row.name_sort = sort_key(clean.name)
        if clean.phone:
            row.phone, row.phone_tail = clean.phone, phone_tail(clean.phone)
        for name in ("occupation", "employer", "union_branch"):
            value = getattr(clean, name)
            if value:
                setattr(row, name, value)
        tags = list(dict.fromkeys([*json.loads(row.tags), *clean.tags]))
        row.tags = json.dumps(tags, ensure_ascii=False)
        if clean.id_hash:
            row.id_hash, row.id_last4 = clean.id_hash, clean.id_last4
        if clean.consent and row.consent_at is None and (clean.phone or clean.id_hash):
            row.consent_at = at
        after = {c.name: getattr(row, c.name) for c in MemberRow.__table__.columns}
        if after == before:
            run.unchanged += 1
            continue
        row.version += 1
        row.updated_at = at
        if row.name != before["name"]:
            uow.repo(MemberRepository).replace_keys(
                row.id, search_keys(row.name, row.member_number)
            )
        uow.repo(MemberRepository).add_revision(row, ctx.operator_id, at)
        uow.outbox.append(MEMBER_UPDATED, row.id, payload_of(row), ctx, at)
        run.updated += 1


# --- the refused rows, to fix and import again ----------------------------------------------


def write_rejects(result: ImportResult, path: str | os.PathLike[str]) -> Path | None:
    """The refused rows with their row number and reason, as .xlsx (or .csv); None if none."""
    if not result.refused:
        return None
    width = max([len(result.headings), *(len(p.cells) for p in result.refused)])
    headings = [*result.headings, *[""] * (width - len(result.headings))]
    rows = [
        [*p.cells, *[""] * (width - len(p.cells)), p.row, p.reason()]
        for p in sorted(result.refused, key=lambda p: p.row)
    ]
    table = Table(
        title=tr("import.rejects_sheet"),
        headings=[*headings, tr("import.rejects_row"), tr("import.rejects_reason")],
        rows=rows,
    )
    return write_tables(path, [table])


def rejects_path(source: str | os.PathLike[str]) -> Path:
    """Next to the imported file: ``花名册-未导入.xlsx``."""
    file = Path(source)
    return file.with_name(f"{file.stem}{tr('import.rejects_suffix')}.xlsx")

"""Every event kind is declared once, made somewhere, and applied where it should be.

Walks the declarations (``sync.protocol.events``) against the code: a desk-authored kind is
queued by some desk service, a server-authored one made by the server (``server_event``);
a kind travelling in a dataset is applied by the desks' appliers, a push-only one is not;
every applier's kind is declared; nothing queues an undeclared kind or reads a payload with
``.get``. Adding a kind without its declaration, or a declaration nobody uses, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from desktop.services.appliers import APPLIERS
from sync.protocol import DATASETS, EventKind, PayloadError, contract, decode, events

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"APPLIERS", "BATCH_APPLIERS"}


def declared_names() -> dict[str, set[str]]:
    """Name of a module-level constant of sync.protocol.events -> the kinds it stands for."""
    found: dict[str, set[str]] = {}
    for module in (
        events.aid,
        events.cards,
        events.certificates,
        events.conflicts,
        events.desk,
        events.keys,
        events.members,
        events.training,
        events.visits,
    ):
        for name, value in vars(module).items():
            if isinstance(value, EventKind):
                found.setdefault(name, set()).add(value.name)
            elif (
                isinstance(value, tuple) and value and all(isinstance(v, EventKind) for v in value)
            ):
                found.setdefault(name, set()).update(v.name for v in value)
    return found


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _uses(folder: str, names: dict[str, set[str]], server: bool = False) -> set[str]:
    """Kinds whose declaration a module under ``folder`` uses to make events: any use of
    the constant outside the appliers' tables and other than reading with ``.decode``; on
    the server, only as the first argument of ``server_event``."""
    kinds: set[str] = set()
    for path in _sources(folder):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped: set[int] = set()
        for node in ast.walk(tree):
            targets: list[Any] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AnnAssign):
                targets = [node.target]
            if any(isinstance(t, ast.Name) and t.id in TABLES for t in targets):
                skipped.update(id(inner) for inner in ast.walk(node))
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("decode", "payload")
                and isinstance(node.value, ast.Name)
            ):
                skipped.add(id(node.value))
        for node in ast.walk(tree):
            if server:
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", getattr(node.func, "id", "")) == "server_event"
                    and node.args
                    and isinstance(node.args[0], ast.Name)
                ):
                    kinds |= names.get(node.args[0].id, set())
            elif (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id in names
                and id(node) not in skipped
            ):
                kinds |= names[node.id]
    return kinds


def test_every_declared_kind_is_made_and_applied_where_it_should_be() -> None:
    names = declared_names()
    declared = {kind.name: kind for kind in contract.kinds()}
    made_at_desks = _uses("desktop", names)
    made_by_server = _uses("sync/server", names, server=True)
    applied = APPLIERS.kinds()
    for name, kind in declared.items():
        if kind.author.desks_may_make:
            assert name in made_at_desks, f"{name}: declared, but no desk service queues it"
        else:
            assert name not in made_at_desks, f"{name}: a server kind queued at a desk"
        if kind.author.server_may_make:
            assert name in made_by_server, f"{name}: declared for the server, never made by it"
        else:
            assert name not in made_by_server, f"{name}: a desk kind made by the server"
        if kind.applied_by_desks:
            assert kind.dataset is not None
            assert name in applied, f"{name}: pulled by desks, but no applier takes it"
        else:
            assert name not in applied, f"{name}: push-only, yet a desk applies it"
    assert applied <= set(declared), f"appliers of undeclared kinds: {applied - set(declared)}"
    assert {k for kinds in DATASETS.values() for k in kinds} == {
        name for name, kind in declared.items() if kind.dataset is not None
    }


def test_nothing_queues_an_undeclared_kind_or_reads_a_payload_with_get() -> None:
    found = []
    for folder in ("desktop", "sync/server", "sync/client"):
        for path in _sources(folder):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                first = node.args[0] if node.args else None
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if node.func.attr in ("append", "append_events") and (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and "." in first.value
                ):
                    found.append(f"{where}: a kind as a string")
                owner = node.func.value
                if node.func.attr == "get" and (
                    (isinstance(owner, ast.Name) and owner.id == "payload")
                    or (isinstance(owner, ast.Attribute) and owner.attr == "payload")
                ):
                    found.append(f"{where}: payload.get")
    assert not found, "\n".join(found)


def test_a_kind_cannot_be_declared_twice_or_outside_the_datasets() -> None:
    with pytest.raises(ValueError):
        contract.declare("member.registered", events.members.MemberPayload)
    with pytest.raises(ValueError):
        contract.declare("member.teleported", events.members.MemberPayload, dataset="nowhere")
    with pytest.raises(ValueError):
        contract.declare("member.muted", events.members.MemberPayload, applied_by_desks=True)


@pytest.mark.parametrize(
    ("kind", "payload", "reason"),
    [
        ("visit.teleported", {}, "unknown_kind"),
        ("visit.recorded", [], "payload:not_an_object"),
        ("visit.recorded", {"services": "water"}, "payload:services:"),
        ("visit.recorded", {"occupation": "a\x00"}, "payload:nul_in_text"),
        ("visit.recorded", {"newer": {"deep": ["\x00"]}}, "payload:nul_in_text"),
        ("visit.recorded", {"newer\x00": 1}, "payload:nul_in_text"),
        ("visit.recorded", {"newer": 2**53}, "payload:number_out_of_range"),
        ("visit.recorded", {"newer": 1e300}, "payload:number_out_of_range"),
        ("card.lost", {"member_id": "m", "serial": 70_000, "device_code": "A"}, "payload:serial"),
        (
            "stock.adjusted",
            {"campaign_id": "c", "item_id": "i", "desk": "D", "quantity": 0},
            "payload:an adjustment of 0",
        ),
        ("course.certified", {"serial": "s", "course_id": "c"}, "payload:Object missing"),
        (
            "session.added",
            {
                "id": "s",
                "course_id": "c",
                "on_date": "2026-13",
                "starts_at": "09:00",
                "ends_at": "10:00",
                "hours": "1",
                "updated_at": "t",
                "station_id": "s",
                "device_id": "d",
                "device_time": "t",
            },
            "payload:on_date:",
        ),
        (
            "certificate.issued",
            {
                "serial": "C-1",
                "title": "t",
                "recipient_name": "r",
                "purpose": "p",
                "issued_on": "2026-01-01",
                "issuing_union": "u",
                "signature": "s",
                "hours": "99999",
            },
            "payload:hours out of range",
        ),
    ],
)
def test_a_payload_that_does_not_match_its_kind_is_refused_with_a_reason(
    kind: str, payload: Any, reason: str
) -> None:
    with pytest.raises(PayloadError) as refused:
        decode(kind, payload)
    assert refused.value.reason.startswith(reason)


def test_fields_a_newer_desk_adds_are_tolerated_and_screens_agree_with_walks() -> None:
    import orjson

    visit = {"member_id": None, "services": ["water"], "from_a_newer_desk": {"n": [1, 2.5]}}
    assert decode("visit.recorded", visit, orjson.dumps(visit)) == decode("visit.recorded", visit)
    nested: Any = 1
    for _ in range(contract.MAX_DEPTH + 2):
        nested = [nested]
    values = (2**53 - 1, -(2**53) + 1, 2**53, 1e30, -2.5e-300, "13:3e4", "x\x00", 2**63, nested)
    for value in values:
        data = {"newer": value}
        assert contract.screen(data, orjson.dumps(data)) == contract.screen(data), value
    assert contract.screen({"newer": nested}, orjson.dumps({"newer": nested})) == "too_deep"

"""HQ's conflict resolution from the server's command line: the same signed event the
console makes, so a desk applies it."""

from __future__ import annotations

import json
from collections.abc import Callable

from desktop.services.sync import commands as syncing
from sync.client.engine import sync_once
from tests.sync.conftest import Server, Station
from tests.sync.web.test_hq_conflicts import two_desks_with_a_conflict


def test_the_cli_resolves_a_conflict_and_the_desks_apply_it(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a, b, conflict_id = two_desks_with_a_conflict(server, make_station)
    listed = server.cli("conflict", "list", "--json")
    assert [c["id"] for c in json.loads(listed.stdout)] == [conflict_id]
    empty = server.cli("conflict", "resolve", conflict_id, "--note", "   ")
    assert empty.returncode == 1 and "note" in empty.stderr and "Traceback" not in empty.stderr
    done = server.cli(
        "conflict", "resolve", conflict_id, "--note", "区总工会核实：同一人", "--json"
    )
    assert done.returncode == 0, done.stderr
    for station in (a, b):
        assert sync_once(station.desk).ok
        [here] = syncing.conflicts(station.uow(), include_resolved=True)
        assert here.status == "resolved" and here.note == "区总工会核实：同一人"
    audit = server.cli("user", "list", "--json")
    assert audit.returncode == 0


def test_a_station_made_before_unions_is_given_one_and_its_viewer_sees_it(
    server: Server,
) -> None:
    from tests.sync.web.console import client_logged_in, create_account

    server.station("老驿站")  # no union: only HQ sees it
    create_account(server, "viewer", role="district_viewer", union="甲区总工会")
    viewer = client_logged_in(server, "viewer")
    assert "老驿站" not in viewer.get("/hq").text
    moved = server.cli("station", "union", "老驿站", "甲区总工会", "--json")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["union"] == "甲区总工会"
    assert "老驿站" in viewer.get("/hq").text
    missing = server.cli("station", "union", "没有这个站", "甲区总工会")
    assert missing.returncode == 1 and "no station" in missing.stderr

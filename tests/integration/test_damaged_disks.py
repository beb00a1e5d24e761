"""Damaged disks and folders: a plain message, exit status 5, and nothing lost (issue 16).

Real files and real file systems: a truncated and an empty database, a tmpfs mounted
read-only, and a tmpfs of a few megabytes filled to the last byte (mounting needs root, as
on CI; elsewhere those two tests are skipped). Each command runs the real console script.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.test_cli import run

EXIT_STORAGE = 5


def refused(
    result: subprocess.CompletedProcess[str], code: str, status: int = EXIT_STORAGE
) -> None:
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert json.loads(result.stderr)["error"] == code


@pytest.fixture(scope="module")
def set_up(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("desk") / "home"
    assert (
        run("init", "--station-name", "驿站", "--admin-pin", "135790", "--home", home).returncode
        == 0
    )
    assert (
        run("member", "add", "--name", "张三", "--phone", "13800138000", "--home", home).returncode
        == 0
    )
    return home


def copy_of(home: Path, to: Path) -> Path:
    shutil.copytree(home, to)
    return to


def test_a_truncated_database_is_called_damaged_and_left_as_it_was(
    set_up: Path, tmp_path: Path
) -> None:
    home = copy_of(set_up, tmp_path / "home")
    database = home / "waystation.sqlite3"
    os.truncate(database, database.stat().st_size // 2)
    before = database.read_bytes()
    for verb in (
        ["member", "find", "张"],
        ["member", "add", "--name", "李四"],
        ["init", "--station-name", "x"],
    ):
        refused(run(*verb, "--json", "--home", home), "storage.damaged")
    assert database.read_bytes() == before


def test_an_empty_database_of_a_desk_in_use_is_not_a_new_desk(set_up: Path, tmp_path: Path) -> None:
    home = copy_of(set_up, tmp_path / "home")
    (home / "waystation.sqlite3").write_bytes(b"")
    refused(run("member", "find", "张", "--json", "--home", home), "storage.damaged")
    refused(run("init", "--station-name", "x", "--json", "--home", home), "storage.damaged")
    assert (home / "waystation.sqlite3").stat().st_size == 0
    (home / "waystation.sqlite3").unlink()
    refused(run("member", "find", "张", "--json", "--home", home), "storage.database_missing")


def test_the_data_folder_is_readable_by_its_user_only(set_up: Path, tmp_path: Path) -> None:
    home = copy_of(set_up, tmp_path / "home")
    for path in (home, home / "waystation.sqlite3"):  # as a desk made before this rule
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    assert run("backup", "--out", home / "backups", "--home", home).returncode == 0
    paths = [home, *home.rglob("*")]
    assert len([p for p in paths if p.name.endswith(".sqlite3")]) >= 2  # database + backup
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_an_out_name_too_long_and_an_empty_date_are_refused_plainly(set_up: Path) -> None:
    long = "名" * 200 + ".pdf"
    refused(
        run("print", "calibration", "--out", long, "--json", "--home", set_up),
        "storage.name_too_long",
        1,
    )
    refused(
        run("backup", "--out", "x" * 300, "--json", "--home", set_up), "storage.name_too_long", 1
    )
    course = json.loads(
        run("course", "create", "--title", "电工", "--json", "--home", set_up).stdout
    )
    result = run(
        "course",
        "session",
        "add",
        course["id"],
        "--date",
        "",
        "--start",
        "09:00",
        "--end",
        "10:00",
        "--json",
        "--home",
        set_up,
    )
    refused(result, "cli.bad_date", 1)


def _mount(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "disk"
    if not _mount(where, "4m"):
        pytest.skip("mounting a tmpfs needs root (as on CI)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_read_only_data_folder_is_read_and_refuses_writing(
    set_up: Path, small_disk: Path
) -> None:
    """A medium that cannot be written (a read-only mount; a disk the system remounted
    read-only after errors): reading verbs answer from it, writing ones say why not, exit 5."""
    home = copy_of(set_up, small_disk / "home")
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    found = run("member", "find", "张", "--json", "--home", home)
    assert found.returncode == 0, found.stderr
    assert [m["name"] for m in json.loads(found.stdout)] == ["张三"]
    for verb in (["settings", "show"], ["visits", "today"], ["operator", "list"]):
        shown = run(*verb, "--json", "--home", home)
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, (verb, shown.stderr)
    for verb in (
        ["member", "add", "--name", "李四"],
        ["checkin", "13800138000"],
        ["settings", "set", "repeat_window_minutes", "5"],
    ):
        refused(run(*verb, "--json", "--home", home), "storage.read_only")
    # A backup of the failing disk to a USB stick is what a person should do next: it works.
    saved = run("backup", "--out", small_disk.parent / "usb", "--json", "--home", home)
    assert saved.returncode == 0, saved.stderr
    restored_from = Path(json.loads(saved.stdout)["backup"])
    assert run("restore", restored_from, "--home", small_disk.parent / "new").returncode == 0
    again = run("member", "find", "张", "--json", "--home", small_disk.parent / "new")
    assert [m["name"] for m in json.loads(again.stdout)] == ["张三"]
    plain = run("member", "add", "--name", "李四", "--home", home)
    assert plain.returncode == EXIT_STORAGE and "只读" in plain.stderr, plain.stderr
    # Nothing changed, and no -wal/-shm or log file was made (the medium would refuse them).
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before


def test_an_older_schema_on_a_read_only_folder_is_refused_not_migrated(
    set_up: Path, small_disk: Path
) -> None:
    home = copy_of(set_up, small_disk / "home")
    with sqlite3.connect(home / "waystation.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
    connection.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    refused(run("member", "find", "张", "--json", "--home", home), "storage.read_only")


def test_a_full_disk_loses_nothing_and_the_desk_carries_on_when_space_returns(
    set_up: Path, small_disk: Path
) -> None:
    home = copy_of(set_up, small_disk / "home")
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: closing writes nothing
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    names = ("李四", "王五", "赵六")
    for name in names:
        result = run("member", "add", "--name", name, "--json", "--home", home)
        refused(result, "storage.disk_full")
    assert run("member", "find", "张", "--home", home).returncode in (0, EXIT_STORAGE)
    filler.unlink()
    assert run("member", "add", "--name", "孙七", "--home", home).returncode == 0
    found = json.loads(
        run("member", "find", "", "--json", "--limit", "50", "--home", home).stdout or "[]"
    )
    listed = {m["name"] for m in found} if found else set()
    with sqlite3.connect(home / "waystation.sqlite3") as connection:
        stored = {r[0] for r in connection.execute("SELECT name FROM member")}
    assert stored == {"张三", "孙七"}, (stored, listed)
    assert integrity(home / "waystation.sqlite3") == "ok"

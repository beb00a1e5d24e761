"""bench.training runs on a tiny desk (no timing is asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import training  # noqa: E402


def test_training_bench_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--members", "60", "--visits", "0", "--root", str(tmp_path), "--people", "5"]
    assert training.main(args) == 0
    out = capsys.readouterr().out
    assert "a course of 5" in out and "PDF of 5 certificates" in out

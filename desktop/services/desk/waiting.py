"""A person waiting at the desk for a result (a scan until its band shows): bulk work in
this process, a pull's pages, pauses meanwhile. The screen's side of
``desktop.storage.turns``, for the UI, which does not reach into storage."""

from __future__ import annotations

from desktop.storage.turns import desk_work_began, desk_work_ended

__all__ = ["desk_work_began", "desk_work_ended"]

"""A failing disk under a running desk, as the message a person reads (for the window).

A write that hits a full disk or a damaged file mid-session raises SQLAlchemy's or the
operating system's error; the window's operations pass what they catch through
``as_expected`` so the person reads "the disk is full" instead of a crash dialog.
"""

from __future__ import annotations

from desktop.storage.faults import storage_fault


def as_expected(error: Exception) -> Exception:
    """The StorageFault ``error`` stands for, else ``error`` itself."""
    fault = storage_fault(error, None)
    return fault if fault is not None else error

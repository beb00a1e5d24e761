"""The status bar's sync line: events waiting, last successful sync, the current problem."""

from __future__ import annotations

from desktop.domain.clock import SHORT, shown
from desktop.i18n import tr
from desktop.services.sync.commands import SyncStatus


def when(iso: str | None) -> str:
    if not iso:
        return tr("sync.never")
    return shown(iso, SHORT)


def headline(message: str) -> str:
    """The first clause of a message, for the status bar (the whole one is its tooltip)."""
    for stop in ("（", "，", "。", " (", ", ", ". "):
        message = message.split(stop, 1)[0]
    return message


def set_aside_reason(reason: str) -> str:
    """Why a pulled event was not applied, in words (the code as a desk recorded it)."""
    if reason == "signature":
        why = tr("sync_screen.reason_signature")
    elif reason == "signature:no_server_key":
        why = tr("sync_screen.reason_no_server_key")
    elif reason == "unknown_kind":
        why = tr("sync_screen.reason_unknown_kind")
    elif reason == "certificate:not_issuer":
        why = tr("sync_screen.reason_not_issuer")
    elif reason.startswith("payload:"):
        why = tr("sync_screen.reason_payload", detail=reason.removeprefix("payload:"))
    else:
        why = reason
    return tr("sync_screen.set_aside", reason=why)


# Reasons the server gave for refusing a pushed event that a person can act on, in words;
# the others are shown as the server said them.
REFUSED = {
    "rejected:certificate_serial_taken": "sync_screen.refused_serial_taken",
    "rejected:certificate_serial_not_own": "sync_screen.refused_serial_not_own",
    "rejected:certificate_not_issuer": "sync_screen.refused_not_issuer",
}


def refused_reason(reason: str) -> str:
    """Why the server refused a pushed event: in words when there are some, else its code."""
    code = REFUSED.get(reason)
    return tr(code) if code is not None else reason


def status_line(state: SyncStatus, running: bool = False) -> tuple[str, str]:
    """(text, tone) with tone ok / warn / error / off."""
    if not state.enrolled:
        return tr("sync_bar.offline_only", waiting=state.waiting), "off"
    parts = [tr("sync_bar.waiting", waiting=state.waiting)]
    if running:
        parts.append(tr("sync_bar.running"))
    else:
        parts.append(tr("sync_bar.last", at=when(state.last_success_at)))
    tone = "ok"
    if state.quarantined:
        parts.append(tr("sync_bar.quarantined", count=state.quarantined))
        tone = "warn"
    if state.set_aside:
        parts.append(tr("sync_bar.set_aside", count=state.set_aside))
        tone = "warn"
    if state.open_conflicts:
        parts.append(tr("sync_bar.conflicts", count=state.open_conflicts))
        tone = "warn"
    if state.error is not None and not running:
        parts.append(headline(tr(state.error.code, **state.error.params)))
        tone = "error"
    return " · ".join(parts), tone


TONE_STYLE = {
    "ok": "color:#1b5e20;",
    "warn": "color:#8a4b00;",
    "error": "color:#b71c1c; font-weight:bold;",
    "off": "color:#555;",
}

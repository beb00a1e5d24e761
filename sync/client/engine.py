"""One sync: push every waiting event in batches, then pull every dataset to its end.

Push first, then pull (so a desk's own changes reach the server before it takes in others').
Each batch's answer and each pulled page with its cursor are applied in one local
transaction: a sync cut off at any moment (power, network) resumes where it stopped, and the
server's idempotence makes resending harmless.
"""

from __future__ import annotations

import base64
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from desktop.bootstrap import Desk
from desktop.domain.clock import to_iso
from desktop.domain.errors import RuleViolation
from desktop.domain.model import DeskContext
from desktop.services.sync import commands as syncing
from desktop.services.sync import rewind
from desktop.services.sync.replication import PulledEvent
from desktop.storage.database import checkpoints_held
from sync.client.report import Cancelled, Progress, SyncReport
from sync.client.transport import (
    NetworkError,
    ServerClient,
    ServerProblem,
    ServerUnavailable,
    app_version,
)
from sync.protocol import (
    DATASETS,
    EnrolRequest,
    ProblemCode,
    PushReply,
    signing,
)

log = logging.getLogger(__name__)

PUSH_BATCH = 500
PULL_PAGE = 5000
ENROL_PREFIX = "waystation-enrol:"

# Problems after which retrying cannot help until a person acts.
STOPPING = (ProblemCode.DEVICE_REVOKED, ProblemCode.UPGRADE_REQUIRED, ProblemCode.UNAUTHORIZED)


def parse_enrolment_text(text: str) -> tuple[str | None, str]:
    """A scanned enrolment QR (``waystation-enrol:URL#CODE#KEY-FINGERPRINT``) or a typed
    code: (URL, code with the fingerprint, if any, after a ``#``)."""
    text = text.strip()
    if text.startswith(ENROL_PREFIX):
        rest = text[len(ENROL_PREFIX) :]
        url, _, code = rest.partition("#")
        return url or None, code
    return None, text


def error_of(problem: Exception) -> syncing.SyncError:
    """A failure, as the message code the desk shows."""
    if isinstance(problem, NetworkError):
        return syncing.SyncError("sync.error.network")
    if isinstance(problem, ServerUnavailable):
        return syncing.SyncError("sync.error.server", {"status": problem.status})
    if isinstance(problem, ServerProblem):
        known = {
            ProblemCode.DEVICE_REVOKED: "sync.error.revoked",
            ProblemCode.UPGRADE_REQUIRED: "sync.error.upgrade",
            ProblemCode.UNAUTHORIZED: "sync.error.unauthorized",
            ProblemCode.BAD_CODE: "sync.error.bad_code",
            ProblemCode.DEVICE_CODE_TAKEN: "sync.error.device_code_taken",
            ProblemCode.TOO_LARGE: "sync.error.too_large",
            ProblemCode.TOO_MANY_ATTEMPTS: "sync.error.too_many_attempts",
        }
        return syncing.SyncError(
            known.get(problem.code, "sync.error.refused"), {"status": problem.status}
        )
    return syncing.SyncError("sync.error.unexpected", {"error": type(problem).__name__})


def enrol(
    desk: Desk,
    server_url: str,
    code: str,
    ctx: DeskContext,
    timeout: float = 30.0,
    again: bool = False,
) -> str:
    """Register this device with the server (admins only; audited); returns the station's
    name. ``again``: a desk
    enrolled already enrols anew with a new one-time code (its server changed its key); the
    server address defaults to the one it has.

    Failures raise RuleViolation with the message code of what went wrong.
    """
    scanned_url, code = parse_enrolment_text(code)
    code, _, fingerprint = code.partition("#")
    if again and not (server_url or scanned_url):
        known = syncing.server(desk.uow(), desk.paths.keys)
        server_url = known[0] if known else ""
    url = (server_url or scanned_url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise RuleViolation("sync.bad_server_url", url=url)
    details = syncing.enrolment_details(desk.uow(), desk.keys.public_key_bytes(), ctx, again)
    sent_code = code.strip()[:40] or "-"
    proof = desk.keys.private_key.sign(signing.enrolment_message(sent_code, details.device_id))
    try:
        request = EnrolRequest(
            code=sent_code,
            device_id=details.device_id,
            device_code=details.device_code,
            public_key=details.public_key,
            local_station_id=details.local_station_id,
            app_version=app_version(),
            proof=base64.b64encode(proof).decode("ascii"),
        )
    except ValidationError:  # a code too short or of the wrong characters (found by
        # tests/unit/test_cli_properties.py): said as a wrong code, not a traceback
        raise RuleViolation("sync.error.bad_code") from None
    try:
        with ServerClient(url, timeout=timeout) as client:
            reply = client.enrol(request)
    except (NetworkError, ServerUnavailable, ServerProblem) as problem:
        error = error_of(problem)
        raise RuleViolation(error.code, **error.params) from problem
    if fingerprint and not _names_key(fingerprint, reply.server_public_key):
        # Not the key the station's QR names: whatever answered is not the genuine server.
        raise RuleViolation("sync.server_key_mismatch")
    syncing.apply_enrolment(
        desk.uow(), desk.paths.keys, desk.hash_keys, url, reply.model_dump(), ctx
    )
    return reply.station_name


def _names_key(fingerprint: str, public_key: str) -> bool:
    try:
        return signing.key_fingerprint(public_key) == fingerprint.strip().upper()
    except ValueError:
        return False


def _desk_time(value: object) -> str:
    """The server's RFC 3339 time as the desk stores times (UTC, microseconds, 'Z')."""
    if type(value) is str and len(value) == 27 and value[26] == "Z":
        return value
    if not isinstance(value, str):
        raise ValueError("time expected")
    return to_iso(datetime.fromisoformat(value))


def _event_of(data: dict[str, Any]) -> PulledEvent:
    """One pulled event from the page's plain data; a malformed one raises ValueError.

    Runs once per event of a first pull of hundreds of thousands: plain type tests (the
    page is parsed JSON, so a text is exactly ``str``)."""
    payload = data["payload"]
    event_id, kind = data.get("event_id"), data.get("kind")
    entity, station, device = data.get("entity_id"), data.get("station_id"), data.get("device_id")
    operator, seq = data.get("operator_id"), data.get("server_seq")
    if (
        type(payload) is not dict
        or type(event_id) is not str
        or type(kind) is not str
        or type(entity) is not str
        or type(station) is not str
        or type(device) is not str
        or type(seq) is not int
        or not (operator is None or type(operator) is str)
    ):
        raise ValueError("malformed pulled event")
    signature = data.get("signature")
    return PulledEvent(
        server_seq=seq,
        event_id=event_id,
        kind=kind,
        entity_id=entity,
        station_id=station,
        device_id=device,
        operator_id=operator,
        device_time=_desk_time(data.get("device_time")),
        received_at=_desk_time(data.get("received_at")),
        payload=payload,
        signature=signature if type(signature) is str else None,
    )


def _push(
    desk: Desk,
    client: ServerClient,
    report: SyncReport,
    progress: Progress | None,
    cancelled: Cancelled | None,
    size: int,
) -> None:
    """Batches in order, one request in flight while the desk reads the next batch and
    records the last answer (the server takes a device's batches one at a time anyway)."""
    current = syncing.outbox_batch(desk.uow(), size, raw_payloads=True)
    if not current:
        return
    rewound = False
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as sender:
        in_flight: Future[PushReply] | None = sender.submit(client.push, current)
        upcoming = syncing.outbox_batch(
            desk.uow(), size, after_seq=current[-1]["seq"], raw_payloads=True
        )
        try:
            while in_flight is not None:
                reply = in_flight.result()
                in_flight = None
                # A rewound desk renumbers its waiting events: nothing more goes out first.
                go_on = bool(upcoming) and not (cancelled and cancelled()) and not reply.rewound
                if go_on:
                    in_flight = sender.submit(client.push, upcoming)
                rewound = _record(desk, current, reply, report, progress)
                if not go_on:
                    break
                current = upcoming
                upcoming = syncing.outbox_batch(
                    desk.uow(), size, after_seq=current[-1]["seq"], raw_payloads=True
                )
        finally:
            if in_flight is not None:
                # Unanswered here: its events stay waiting and go again (answered duplicate).
                in_flight.cancel()
                wait([in_flight])
    if rewound and not (cancelled and cancelled()):
        _push(desk, client, report, progress, cancelled, size)  # renumbered: once more


def _record(
    desk: Desk,
    batch: list[dict[str, Any]],
    reply: PushReply,
    report: SyncReport,
    progress: Progress | None,
) -> bool:
    """Record the server's answer to ``batch``; True when the desk had to continue after
    the server's sequence (restored from a backup) and its events were renumbered."""
    by_id = {event["event_id"]: event["seq"] for event in batch}
    outcomes = [
        syncing.PushOutcome(
            seq=result.seq if result.seq is not None else by_id.get(result.event_id, 0),
            status=result.status,
            reason=result.reason,
            server_seq=result.server_seq,
        )
        for result in reply.results
    ]
    if {outcome.seq for outcome in outcomes} != set(by_id.values()):
        # A reply that does not answer every event is not trusted: nothing is marked.
        raise ServerUnavailable(200)
    if reply.rewound is not None:
        # Stored ones (duplicates) are marked; the refused ones wait, renumbered.
        stored = [o for o in outcomes if o.status in syncing.STORED]
        syncing.record_push(desk.uow(), stored)
        report.duplicates += len(stored)
        continued = rewind.continue_after(
            desk.uow(),
            reply.rewound.last_seq,
            reply.rewound.member_seq,
            reply.rewound.certificate_seq,
            desk.keys.private_key,
        )
        report.rewound = True
        report.renumbered.update(continued.renumbered)
        report.reserialled.update(continued.reserialled)
        return True
    report.quarantined += syncing.record_push(desk.uow(), outcomes)
    report.pushed += sum(1 for o in outcomes if o.status == "accepted")
    report.duplicates += sum(1 for o in outcomes if o.status == "duplicate")
    if reply.gap is not None:
        report.gaps += 1
        log.warning("server reports a sequence gap: %s", reply.gap)
    if progress:
        progress("push", report.pushed + report.duplicates + report.quarantined)
    return False


def _pull(
    desk: Desk,
    client: ServerClient,
    report: SyncReport,
    progress: Progress | None,
    cancelled: Cancelled | None,
    size: int,
) -> None:
    """Every dataset to its end; the next page is fetched while this one is applied. Each
    event is checked against its kind's declaration (and the server's own kinds against the
    server key pinned at enrolment) before it is applied; one that fails is set aside."""
    server_key = syncing.pinned_server_key(desk.paths.keys)
    # The pages' commits leave the WAL's checkpoints to the pull, between its transactions.
    with checkpoints_held(desk.engine), ThreadPoolExecutor(1, "pull") as fetcher:
        for dataset in DATASETS:
            cursor = syncing.cursor(desk.uow(), dataset)
            coming: Future[dict[str, Any]] | None = fetcher.submit(
                client.pull_page, dataset, cursor, size
            )
            try:
                while coming is not None:
                    page = coming.result()
                    coming = None
                    stop = cancelled is not None and cancelled()
                    if page["more"] and not stop:
                        coming = fetcher.submit(client.pull_page, dataset, page["cursor"], size)
                    try:
                        events = [_event_of(data) for data in page["events"]]
                    except (KeyError, TypeError, ValueError) as error:
                        raise NetworkError("malformed pull answer") from error
                    done = syncing.apply_page(
                        desk.uow(),
                        dataset,
                        events,
                        page["cursor"],
                        server_key,
                        screened=page["screened"] is True,
                        durable=not page["more"] or stop,
                    )
                    report.set_aside += done.set_aside
                    report.pulled[dataset] = report.pulled.get(dataset, 0) + len(events)
                    if progress:
                        progress(f"pull:{dataset}", report.pulled[dataset])
                    if stop:
                        return
            finally:
                if coming is not None:
                    coming.cancel()
                    wait([coming])


def sync_once(
    desk: Desk,
    timeout: float = 30.0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    batch_size: int = PUSH_BATCH,
    page_size: int = PULL_PAGE,
) -> SyncReport:
    """Push, then pull. Never raises for network or server trouble: the report says."""
    started = time.perf_counter()
    report = SyncReport()
    server = syncing.server(desk.uow(), desk.paths.keys)
    if server is None:
        report.error = syncing.SyncError("sync.error.not_enrolled")
        return report
    url, token, epoch = server
    stopped = False
    for attempt in range(2):  # a second round only after a reset
        try:
            with ServerClient(url, token, epoch, timeout=timeout) as client:
                _push(desk, client, report, progress, cancelled, batch_size)
                _pull(desk, client, report, progress, cancelled, page_size)
            break
        except ServerProblem as problem:
            if problem.code == ProblemCode.RESET and attempt == 0:
                try:
                    with ServerClient(url, token, None, timeout=timeout) as client:
                        fresh = client.health().get("epoch")
                except (NetworkError, ServerUnavailable, ServerProblem) as again:
                    report.error = error_of(again)
                    break
                syncing.reset(desk.uow(), str(fresh) if fresh else None)
                epoch = str(fresh) if fresh else None
                report.reset = True
                continue
            report.error = error_of(problem)
            stopped = problem.code in STOPPING
            break
        except (NetworkError, ServerUnavailable) as problem:
            report.error = error_of(problem)
            break
    syncing.note_attempt(desk.uow(), report.error, stopped)
    report.seconds = time.perf_counter() - started
    return report

"""Which library checks event payloads faster on the push path: msgspec or pydantic?

    python -m bench.contract_decode [--rounds 7] [--events 20000]

The server checks every pushed event's payload against its kind's declaration (frozen typed
structure with string lengths and number ranges; unknown fields tolerated). This bench
declares the same three realistic payloads both ways (a member registration with its search
keys, an anonymous visit, a handout with nested limits, items and an override) and times
``msgspec.convert(dict, Struct)`` against ``Model.model_validate(dict)`` on the dicts a push
body parses into. It prints, per payload, the median and p95 over ``--rounds`` runs of
``--events`` conversions, with CPU time beside wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import msgspec
from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Count = Annotated[int, msgspec.Meta(ge=0, le=10**7)]


class MLimits(msgspec.Struct, frozen=True):
    max_per_person: Count | None = None
    max_per_day: Count | None = None
    min_interval_minutes: Count | None = None
    not_combinable_with: tuple[Id, ...] = ()


class MLine(msgspec.Struct, frozen=True):
    item_id: Id
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class MOverride(msgspec.Struct, frozen=True):
    refusal: Annotated[str, msgspec.Meta(max_length=20)]
    by: Id | None = None
    by_name: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class MHandout(msgspec.Struct, frozen=True):
    campaign_id: Id
    member_id: Id
    desk: Annotated[str, msgspec.Meta(max_length=8)]
    campaign_name: Short = ""
    campaign_version: Count = 1
    limits: MLimits | None = None
    member_number: Annotated[str, msgspec.Meta(max_length=20)] = ""
    collector_id: Id | None = None
    collector_number: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    items: tuple[MLine, ...] = ()
    operator_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    local_date: Annotated[str, msgspec.Meta(max_length=10)] = ""
    override: MOverride | None = None
    proof: Annotated[str, msgspec.Meta(max_length=6100)] | None = None


class MMember(msgspec.Struct, frozen=True):
    member_number: Annotated[str, msgspec.Meta(max_length=20)]
    name: Annotated[str, msgspec.Meta(max_length=50)]
    name_keys: tuple[Annotated[str, msgspec.Meta(max_length=60)], ...] = ()
    name_sort: Annotated[str, msgspec.Meta(max_length=120)] = ""
    keys_version: Count = 0
    phone: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    occupation: Annotated[str, msgspec.Meta(max_length=30)] = ""
    employer: Short = ""
    union_branch: Short = ""
    tags: tuple[Annotated[str, msgspec.Meta(max_length=30)], ...] = ()
    id_hash: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    id_last4: Annotated[str, msgspec.Meta(max_length=4)] | None = None
    consent_at: Annotated[str, msgspec.Meta(max_length=27)] | None = None
    active: bool = True
    deactivated_reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    version: Annotated[int, msgspec.Meta(ge=1, le=2**31)] = 1


class MVisit(msgspec.Struct, frozen=True):
    member_id: Id | None = None
    occupation: Annotated[str, msgspec.Meta(max_length=30)] | None = None
    services: tuple[Annotated[str, msgspec.Meta(max_length=30)], ...] = ()
    local_date: Annotated[str, msgspec.Meta(max_length=10)] = ""


PId = Annotated[str, Field(min_length=1, max_length=36)]
PCount = Annotated[int, Field(ge=0, le=10**7)]
FROZEN = ConfigDict(frozen=True, extra="ignore")  # lax: lists become tuples


class PLimits(BaseModel):
    model_config = FROZEN
    max_per_person: PCount | None = None
    max_per_day: PCount | None = None
    min_interval_minutes: PCount | None = None
    not_combinable_with: tuple[PId, ...] = ()


class PLine(BaseModel):
    model_config = FROZEN
    item_id: PId
    quantity: Annotated[int, Field(ge=1, le=100_000)]


class POverride(BaseModel):
    model_config = FROZEN
    refusal: Annotated[str, Field(max_length=20)]
    by: PId | None = None
    by_name: Annotated[str, Field(max_length=50)] | None = None
    reason: Annotated[str, Field(max_length=200)] | None = None


class PHandout(BaseModel):
    model_config = FROZEN
    campaign_id: PId
    member_id: PId
    desk: Annotated[str, Field(max_length=8)]
    campaign_name: Annotated[str, Field(max_length=100)] = ""
    campaign_version: PCount = 1
    limits: PLimits | None = None
    member_number: Annotated[str, Field(max_length=20)] = ""
    collector_id: PId | None = None
    collector_number: Annotated[str, Field(max_length=20)] | None = None
    items: tuple[PLine, ...] = ()
    operator_name: Annotated[str, Field(max_length=50)] = ""
    local_date: Annotated[str, Field(max_length=10)] = ""
    override: POverride | None = None
    proof: Annotated[str, Field(max_length=6100)] | None = None


class PMember(BaseModel):
    model_config = FROZEN
    member_number: Annotated[str, Field(max_length=20)]
    name: Annotated[str, Field(max_length=50)]
    name_keys: tuple[Annotated[str, Field(max_length=60)], ...] = ()
    name_sort: Annotated[str, Field(max_length=120)] = ""
    keys_version: PCount = 0
    phone: Annotated[str, Field(max_length=20)] | None = None
    occupation: Annotated[str, Field(max_length=30)] = ""
    employer: Annotated[str, Field(max_length=100)] = ""
    union_branch: Annotated[str, Field(max_length=100)] = ""
    tags: tuple[Annotated[str, Field(max_length=30)], ...] = ()
    id_hash: Annotated[str, Field(max_length=64)] | None = None
    id_last4: Annotated[str, Field(max_length=4)] | None = None
    consent_at: Annotated[str, Field(max_length=27)] | None = None
    active: bool = True
    deactivated_reason: Annotated[str, Field(max_length=200)] | None = None
    version: Annotated[int, Field(ge=1, le=2**31)] = 1


class PVisit(BaseModel):
    model_config = FROZEN
    member_id: PId | None = None
    occupation: Annotated[str, Field(max_length=30)] | None = None
    services: tuple[Annotated[str, Field(max_length=30)], ...] = ()
    local_date: Annotated[str, Field(max_length=10)] = ""


UUID = "01a20000-0000-7000-8000-00000000beef"
PAYLOADS: dict[str, tuple[dict[str, Any], type[Any], type[BaseModel]]] = {
    "member.registered": (
        {
            "name_keys": ["wang", "wangxiaoming", "wxm", "xiaoming", "王小明", "小明"],
            "name_sort": "wang xiao ming",
            "keys_version": 1,
            "member_number": "7KQ3M2-000123",
            "name": "王小明",
            "phone": "13800138000",
            "occupation": "外卖骑手",
            "employer": "美团",
            "union_branch": "",
            "tags": ["新就业形态劳动者"],
            "id_hash": "ab" * 32,
            "id_last4": "123X",
            "consent_at": "2026-01-02T03:04:05.000000Z",
            "active": True,
            "deactivated_reason": None,
            "version": 1,
        },
        MMember,
        PMember,
    ),
    "visit.recorded": (
        {"member_id": UUID, "occupation": None, "services": ["water", "rest"], "local_date": ""},
        MVisit,
        PVisit,
    ),
    "handout.recorded": (
        {
            "campaign_id": UUID,
            "campaign_name": "夏送清凉",
            "campaign_version": 2,
            "limits": {
                "max_per_person": 1,
                "max_per_day": None,
                "min_interval_minutes": None,
                "not_combinable_with": [UUID],
            },
            "member_id": UUID,
            "member_number": "7KQ3M2-000123",
            "collector_id": None,
            "collector_number": None,
            "items": [{"item_id": UUID, "quantity": 2}, {"item_id": UUID, "quantity": 1}],
            "desk": "7KQ3M2",
            "operator_name": "值班员",
            "local_date": "2026-07-01",
            "override": {"refusal": "max_per_person", "by": UUID, "by_name": "站长", "reason": "x"},
            "proof": None,
        },
        MHandout,
        PHandout,
    ),
}


def _time(run: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args(argv)
    n = args.events
    print(
        f"msgspec {msgspec.__version__} vs pydantic (model_validate), {n:,} payloads a round, "
        f"{args.rounds} rounds; load average {os.getloadavg()[0]:.2f}"
    )
    for kind, (payload, struct, model) in PAYLOADS.items():
        # Both must agree on what they accept before they are timed.
        assert msgspec.convert(payload, struct) is not None
        assert model.model_validate(payload) is not None
        dicts = [dict(payload) for _ in range(n)]

        def with_msgspec(d: list[dict[str, Any]] = dicts, t: type[Any] = struct) -> None:
            for item in d:
                msgspec.convert(item, t)

        def with_pydantic(d: list[dict[str, Any]] = dicts, m: type[BaseModel] = model) -> None:
            for item in d:
                m.model_validate(item)

        figures = {}
        for name, run in (("msgspec", with_msgspec), ("pydantic", with_pydantic)):
            walls, cpus = _time(run, args.rounds)
            figures[name] = statistics.median(cpus)
            print(
                f"  {kind:18} {name:8}: median {statistics.median(walls) / n * 1e6:6.2f} µs "
                f"(p95 {_p95(walls) / n * 1e6:6.2f} µs) wall, "
                f"{statistics.median(cpus) / n * 1e6:6.2f} µs CPU a payload"
            )
        print(f"  {kind:18} pydantic/msgspec CPU: {figures['pydantic'] / figures['msgspec']:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

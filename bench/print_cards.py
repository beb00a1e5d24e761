"""PDF printing speed: member cards on A4 10-up and certificates.

    python -m bench.print_cards [--cards 1000] [--certificates 500] [--runs 3]

Each card carries a distinct QR token of the real size (``WS1:`` and 136 base32 characters),
each certificate a distinct verification URL. The PDF is built in memory, fonts embedded,
exactly as the app builds it. Targets: 1,000 cards ≤ 5 s, 500 certificates ≤ 5 s.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date

from bench.common import report, stats
from desktop.printing.cards import cards_a4
from desktop.printing.certificates import certificate_pdf
from desktop.printing.documents import CardFace, Certificate
from desktop.printing.fonts import register_fonts

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NAMES = ["张三", "欧阳娜娜", "阿不都热合曼·买买提", "李", "司马相如", "王小明", "诸葛孔明"]
TARGET_S = 5.0


def faces(n: int, rng: random.Random) -> list[CardFace]:
    return [
        CardFace(
            union_name="上海市总工会",
            station_name="浦东新区陆家嘴街道工会驿站",
            member_name=rng.choice(NAMES),
            member_number=f"SH{300000 + i}",
            occupation=rng.choice(["快递员", "外卖骑手", "环卫工人", "网约车司机"]),
            issue_date=date(2026, 11, 23),
            qr_text="WS1:" + "".join(rng.choice(BASE32) for _ in range(136)),
            serial=1,
        )
        for i in range(n)
    ]


def certificates(n: int, rng: random.Random) -> list[Certificate]:
    return [
        Certificate(
            title="结业证书",
            recipient=rng.choice(NAMES),
            for_text="参加电工技能提升培训班（低压电工作业），经考核合格，特发此证。",
            hours=32.0,
            start=date(2026, 3, 1),
            end=date(2026, 3, 20),
            issuer="上海市浦东新区总工会",
            issued_on=date(2026, 3, 21),
            serial=f"C2026-{i:06d}",
            qr_text=f"https://verify.example.org/c/C2026-{i:06d}?s="
            + "".join(rng.choice(BASE32.lower()) for _ in range(88)),
        )
        for i in range(n)
    ]


def timed(runs: int, make: Callable[[], bytes]) -> tuple[list[float], int]:
    samples, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(make())
        samples.append(time.perf_counter() - start)
    return samples, size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(2026)
    register_fonts()  # once per process in the app too; not part of a print job
    card_list, cert_list = faces(args.cards, rng), certificates(args.certificates, rng)
    card_s, card_bytes = timed(args.runs, lambda: cards_a4(card_list))
    cert_s, cert_bytes = timed(args.runs, lambda: certificate_pdf(cert_list))
    report(
        "PDF printing",
        {
            f"{args.cards:,} cards, A4 10-up": stats(card_s),
            f"{args.certificates:,} certificates, A4": stats(cert_s),
        },
        size=(
            f"{args.cards:,} cards ({-(-args.cards // 10)} sheets, {card_bytes / 1e6:.1f} MB PDF), "
            f"{args.certificates:,} certificates ({cert_bytes / 1e6:.1f} MB PDF), "
            f"{args.runs} runs each"
        ),
        target=f"≤ {TARGET_S:g} s each",
        unit="s",
    )


if __name__ == "__main__":
    main()

"""PDF printing speed: member cards on A4 10-up and certificates, and the QR encoders.

    python -m bench.print_cards [--cards 1000] [--certificates 500] [--runs 3]

Each card carries a really signed token (Ed25519, ``WS1:`` and 141 base32 characters) for a
distinct member, each certificate a really signed verification link; signing is part of the
timed job, as at the desk. The PDF is built in memory, fonts embedded, exactly as the app
builds it. Targets: 1,000 cards ≤ 2 s of CPU, 500 certificates ≤ 2 s of CPU.

The QR encoders are measured on the same 1,000 tokens in the same run: zxing-cpp (what the
desk uses), and ``qrcode`` and ``segno`` where installed, as the raw baselines.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections.abc import Callable
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.common import report, stats
from desktop.identity import tokens
from desktop.printing import qr
from desktop.printing.cards import cards_a4
from desktop.printing.certificates import certificate_pdf
from desktop.printing.documents import CardFace, Certificate
from desktop.printing.fonts import register_fonts
from sync.protocol import certificates as certificates_protocol

NAMES = ["张三", "欧阳娜娜", "阿不都热合曼·买买提", "李", "司马相如", "王小明", "诸葛孔明"]
TARGET_CPU_S = 2.0
DEVICE = "7KQ3M2"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def faces(n: int, rng: random.Random) -> list[CardFace]:
    members = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]
    return [
        CardFace(
            union_name="上海市总工会",
            station_name="浦东新区陆家嘴街道工会驿站",
            member_name=rng.choice(NAMES),
            member_number=f"SH{300000 + i}",
            occupation=rng.choice(["快递员", "外卖骑手", "环卫工人", "网约车司机"]),
            issue_date=date(2026, 11, 23),
            qr_text=tokens.sign_card(member, 1, DEVICE, KEY),
            serial=1,
        )
        for i, member in enumerate(members)
    ]


def certificates(n: int, rng: random.Random) -> list[Certificate]:
    result = []
    for i in range(n):
        serial = certificates_protocol.certificate_serial(DEVICE, i + 1)
        fields = certificates_protocol.CertificateFields(
            title="结业证书",
            recipient_name=rng.choice(NAMES),
            member_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            purpose="电工技能提升培训班（低压电工作业）",
            hours=32,
            issued_on=date(2026, 3, 21),
            issuing_union="上海市浦东新区总工会",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 20),
        )
        signature = certificates_protocol.sign_certificate(serial, fields, KEY)
        result.append(
            Certificate(
                title=fields.title,
                recipient=fields.recipient_name,
                for_text=fields.purpose,
                hours=32,
                start=fields.starts_on,
                end=fields.ends_on,
                issuer=fields.issuing_union,
                issued_on=fields.issued_on,
                serial=serial,
                qr_text=certificates_protocol.certificate_url(
                    "https://verify.example.org", serial, signature
                ),
            )
        )
    return result


def timed(runs: int, make: Callable[[], object]) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of each run, and the size of what the last run made."""
    wall, cpu, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        made = make()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
        size = len(made) if isinstance(made, bytes) else 0
    return wall, cpu, size


def encoders() -> dict[str, Callable[[str], object]]:
    found: dict[str, Callable[[str], object]] = {"zxing-cpp (used)": qr.qr_matrix}
    try:
        import qrcode

        def with_qrcode(text: str) -> object:
            code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
            code.add_data(text)
            code.make(fit=True)
            return code.modules

        found["qrcode (pure Python)"] = with_qrcode
    except ImportError:
        pass
    try:
        import segno

        found["segno (pure Python)"] = lambda text: segno.make_qr(text, error="m").matrix
    except ImportError:
        pass
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(2026)
    register_fonts()  # once per process in the app too; not part of a print job
    card_wall, card_cpu, card_bytes = timed(args.runs, lambda: cards_a4(faces(args.cards, rng)))
    cert_wall, cert_cpu, cert_bytes = timed(
        args.runs, lambda: certificate_pdf(certificates(args.certificates, rng))
    )
    sample = [face.qr_text for face in faces(1000, rng)]
    qr_figures: dict[str, str] = {}
    for name, encode in encoders().items():
        wall, cpu, _ = timed(1, lambda encode=encode: [encode(t) for t in sample])  # type: ignore[misc]
        qr_figures[f"1,000 card QR codes, {name}"] = f"{cpu[0]:.2f} s CPU, {wall[0]:.2f} s wall"
    report(
        "PDF printing (signing included)",
        {
            f"{args.cards:,} cards, A4 10-up, wall": stats(card_wall),
            f"{args.cards:,} cards, A4 10-up, CPU": stats(card_cpu),
            f"{args.certificates:,} certificates, A4, wall": stats(cert_wall),
            f"{args.certificates:,} certificates, A4, CPU": stats(cert_cpu),
            **qr_figures,
        },
        size=(
            f"{args.cards:,} cards ({-(-args.cards // 10)} sheets, {card_bytes / 1e6:.1f} MB PDF), "
            f"{args.certificates:,} certificates ({cert_bytes / 1e6:.1f} MB PDF), "
            f"{args.runs} runs each"
        ),
        target=f"≤ {TARGET_CPU_S:g} s of CPU each",
        unit="s",
    )


if __name__ == "__main__":
    main()

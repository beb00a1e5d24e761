"""Card tokens: how many a desk signs and verifies a second (one at a time, as at the desk).

    python -m bench.tokens [--tokens 5000] [--runs 5]

Signing happens once per printed card; verifying once per scan, with the key register,
the lost-card check and the member lookup done by the caller (here: in-memory stand-ins of
the same shape, so the figure is the token work itself).
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Sequence

from bench.common import report
from desktop.identity.keys import generate_private_key, public_key_bytes
from desktop.identity.tokens import Verdict, sign_card, verify_card


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    key = generate_private_key()
    public = public_key_bytes(key)
    members = [str(uuid.uuid4()) for _ in range(args.tokens)]
    sign_rates, verify_rates = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        tokens = [sign_card(m, 1, "7KQ3M2", key) for m in members]
        sign_rates.append(args.tokens / (time.perf_counter() - started))
        started = time.perf_counter()
        for token in tokens:
            verdict = verify_card(
                token, lambda _code: public, lambda _m, _s: False, lambda _m: True
            )
            assert verdict.verdict is Verdict.VALID
        verify_rates.append(args.tokens / (time.perf_counter() - started))
    sign_rates.sort()
    verify_rates.sort()
    report(
        "card tokens: sign and verify",
        {
            "sign (per second)": f"median {sign_rates[len(sign_rates) // 2]:,.0f}  "
            f"worst {sign_rates[0]:,.0f}",
            "verify (per second)": f"median {verify_rates[len(verify_rates) // 2]:,.0f}  "
            f"worst {verify_rates[0]:,.0f}",
        },
        size=f"{args.tokens:,} tokens x {args.runs} runs",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

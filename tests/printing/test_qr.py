"""The fast QR builder makes the same symbols as ``qrcode`` and scores masks by the rules."""

from __future__ import annotations

import random

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from desktop.printing import qr


def naive_penalty(rows: tuple[int, ...], n: int) -> int:
    grid = [[rows[r] >> (n - 1 - c) & 1 for c in range(n)] for r in range(n)]
    score = 0
    for line in [*grid, *map(list, zip(*grid, strict=True))]:
        i = 0
        while i < n:
            j = i
            while j < n and line[j] == line[i]:
                j += 1
            if j - i >= 5:
                score += 3 + (j - i - 5)
            i = j
        text = "".join(map(str, line))
        score += 40 * (text.count("10111010000") + text.count("00001011101"))
    for r in range(n - 1):
        for c in range(n - 1):
            if grid[r][c] == grid[r][c + 1] == grid[r + 1][c] == grid[r + 1][c + 1]:
                score += 3
    dark = sum(map(sum, grid))
    return score + 10 * int(abs(dark * 100 / (n * n) - 50) / 5)


def test_penalty_matches_a_plain_reading_of_the_rules() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n = rng.choice([21, 25, 41, 45])
        rows = tuple(
            rng.choice(
                [rng.getrandbits(n), 0, (1 << n) - 1, rng.getrandbits(n) & rng.getrandbits(n)]
            )
            for _ in range(n)
        )
        assert qr.penalty(rows, n) == naive_penalty(rows, n)


def test_every_mask_derived_from_mask_0_equals_qrcode_own_build(tokens: list[str]) -> None:
    texts = [*tokens[:10], "https://verify.example.org/c/2026-000123?s=" + "x7" * 60, "短"]
    for text in texts:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
        code.add_data(text)
        code.make()
        assert code.version is not None
        base = qr._rows_to_ints(code.modules)
        layout = qr._layout(code.version, ERROR_CORRECT_M)
        for mask in range(8):
            code.makeImpl(False, mask)
            assert qr._rows_to_ints(code.modules) == qr._masked(base, layout, mask)


def test_card_token_fits_version_6(tokens: list[str]) -> None:
    assert {qr.qr_matrix(token).size for token in tokens} == {41}

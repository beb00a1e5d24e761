"""QR symbols from zxing-cpp's encoder: the card token fits version 6, decoders read it back."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from desktop.printing import qr


def image_of(matrix: qr.QrMatrix, scale: int = 6) -> Image.Image:
    size = matrix.size + 2 * qr.QUIET_ZONE_MODULES
    image = Image.new("L", (size, size), 255)
    for r in range(matrix.size):
        for c in range(matrix.size):
            if matrix.dark(r, c):
                image.putpixel((c + qr.QUIET_ZONE_MODULES, r + qr.QUIET_ZONE_MODULES), 0)
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST)


def test_card_token_fits_version_6(tokens: list[str]) -> None:
    assert {qr.qr_matrix(token).size for token in tokens} == {41}


def test_symbols_read_back_at_level_m(tokens: list[str]) -> None:
    texts = [*tokens[:5], "https://verify.example.org/v/C-7KQ3M2-0001?s=" + "x7" * 52, "短"]
    for text in texts:
        results = zxingcpp.read_barcodes(image_of(qr.qr_matrix(text)))
        assert [(r.text, r.ec_level) for r in results] == [(text, "M")]


def test_the_path_draws_one_rectangle_per_dark_run() -> None:
    matrix = qr.QrMatrix(3, (0b101, 0b111, 0b000))
    assert qr.path_ops(matrix).splitlines() == ["0 2 1 1 re", "2 2 1 1 re", "0 1 3 1 re"]

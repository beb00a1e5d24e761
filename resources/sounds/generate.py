"""Makes the desk's short result sounds (run once; the .wav files are committed).

python resources/sounds/generate.py
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
TONES = {
    "ok": [(880, 0.09), (1320, 0.12)],  # rising: recorded
    "repeat": [(660, 0.12), (660, 0.12)],  # two equal: look again
    "error": [(330, 0.25)],  # low: refused
}


def write(path: Path, notes: list[tuple[int, float]]) -> None:
    frames = bytearray()
    for freq, seconds in notes:
        count = int(RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 400)  # no clicks at the edges
            frames += struct.pack(
                "<h", int(0.4 * 32767 * fade * math.sin(2 * math.pi * freq * i / RATE))
            )
        frames += b"\x00\x00" * int(RATE * 0.03)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for name, notes in TONES.items():
        write(here / f"{name}.wav", notes)

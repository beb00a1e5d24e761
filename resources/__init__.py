"""Files that ship with the app: fonts, sounds, icons."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
FONT_FILE = "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"


def font_path() -> Path:
    """WenQuanYi Micro Hei (Apache-2.0): a TrueType collection, subfont 0 is the face."""
    return ROOT / "fonts" / FONT_FILE


def sound_path(name: str) -> Path:
    return ROOT / "sounds" / f"{name}.wav"


def icon_path(name: str) -> Path:
    return ROOT / "icons" / f"{name}.svg"

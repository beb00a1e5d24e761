"""One translation function for every user-visible string.

Catalogs live in ``desktop.i18n.catalog.*`` modules, each a ``MESSAGES`` dict mapping a
message code to its ``(中文, English)`` pair. Simplified Chinese is the default language.
Messages use ``str.format`` fields named after an error's or caller's parameters.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any

from desktop.domain.errors import AppError

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_current = DEFAULT_LANGUAGE
_catalog: dict[str, tuple[str, str]] | None = None


def messages() -> dict[str, tuple[str, str]]:
    """All messages from every catalog module, loaded once."""
    global _catalog
    if _catalog is None:
        package = importlib.import_module("desktop.i18n.catalog")

        merged: dict[str, tuple[str, str]] = {}
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for code, pair in module.MESSAGES.items():
                if code in merged:
                    raise RuntimeError(f"message code {code!r} defined twice")
                merged[code] = pair
        _catalog = merged
    return _catalog


class Code(str):
    """A message parameter that is itself a message code (an option's title, say): it is
    translated with the message, so an error carries codes, never text."""


def normalise_language(value: str | None) -> str:
    """Map 'zh_CN', 'zh-Hans', 'en_US.UTF-8', ... onto a supported language code."""
    if not value:
        return DEFAULT_LANGUAGE
    value = value.strip().lower().replace("-", "_")
    for lang in LANGUAGES:
        if value == lang or value.startswith(lang + "_") or value.startswith(lang + "."):
            return lang
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _current
    _current = normalise_language(lang)


def language() -> str:
    return _current


def tr(code: str, /, **params: Any) -> str:
    """The message for ``code`` in the current language, with ``params`` filled in."""
    pair = messages().get(code)
    if pair is None:
        # An unknown code is a programming error, but a person must still see something.
        return code
    text = pair[0] if _current == "zh" else pair[1]
    if not params:
        return text
    params = {k: tr(v) if isinstance(v, Code) else v for k, v in params.items()}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def join(items: Iterable[str]) -> str:
    """A list in running text: 饮水、休息 in Chinese, "Water, Rest" in English."""
    return tr("list.separator").join(items)


def describe(error: AppError) -> str:
    """An expected error in the user's language."""
    return tr(error.code, **error.params)

"""One translation function for every user-visible string.

Catalogs live in ``desktop.i18n.catalog.*`` modules, each a ``MESSAGES`` dict mapping a
message code to its ``(中文, English)`` pair. Simplified Chinese is the default language.
Messages use ``str.format`` fields named after an error's or caller's parameters.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
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
    if _current != "zh":
        text = singular_after_one(text, params)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


# English nouns counted by a number in the catalog: "{n} sessions" reads "1 session" when
# n is 1. One list, so a new message needs no plural forms of its own.
_SINGULAR = {"people": "person", "times": "time", "others": "other"}
_NOT_NOUNS = {"is", "was", "has", "does", "goes", "plus", "this", "thus", "yes", "as", "its"}
_COUNTED = re.compile(r"\{(\w+)\} (people|[a-z]+s)\b")


def singular_after_one(text: str, params: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name, noun = match.group(1), match.group(2)
        value = params.get(name)
        if isinstance(value, bool) or value != 1 or noun in _NOT_NOUNS:
            return match.group(0)
        word = _SINGULAR.get(noun) or (noun[:-1] if not noun.endswith("ss") else noun)
        return "{" + name + "} " + word

    return _COUNTED.sub(one, text)


def join(items: Iterable[str]) -> str:
    """A list in running text: 饮水、休息 in Chinese, "Water, Rest" in English."""
    return tr("list.separator").join(items)


def describe(error: AppError) -> str:
    """An expected error in the user's language."""
    return tr(error.code, **error.params)

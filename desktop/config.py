"""The desk's settings, each declared once (Electrum's ``ConfigVar``, Picard's ``Option``).

An ``Option`` is declared as an attribute of ``DeskSettings``: its key is the attribute's
name, its type that of its default, its title the message ``option.<key>``, and it says what
it accepts (a range, choices, a check). Everything else derives from these declarations:
the ``DeskSettings`` value the services use (``settings.idle_lock_minutes``), reading and
writing one option (``DeskSettings.card_layout.read(uow)``), the settings screen's widgets
and the CLI's ``settings show/set``.

Values live in the local database (``setting`` table) so they travel with its backups;
reading one that was never set, or that no longer makes sense, gives its default.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar, cast, overload

from desktop.domain.errors import InvalidInput
from desktop.domain.model import DEFAULT_OCCUPATIONS, DEFAULT_TAGS, SERVICES
from desktop.i18n import LANGUAGES, Code

if TYPE_CHECKING:
    from desktop.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

SWITCH_WORDS = {"on": True, "true": True, "1": True, "yes": True}
SWITCH_WORDS |= {"off": False, "false": False, "0": False, "no": False}
LIST_SEPARATORS = re.compile(r"[,，、]")


class Option(Generic[T]):
    """One setting: key, type and default, title, and what it accepts.

    ``minimum``/``maximum`` bound a number; ``choices`` are the values a text may take, or
    the ones a list may hold (kept in their order); ``max_length`` bounds each word of a
    list; ``required`` refuses an empty list; ``check`` normalises further or refuses with an
    ``InvalidInput`` of its own.
    """

    def __init__(
        self,
        default: T,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        choices: tuple[str, ...] = (),
        choice_titles: str = "",
        max_length: int | None = None,
        required: bool = False,
        check: Callable[[T], T] | None = None,
    ) -> None:
        self.default = default
        self.key = ""  # the attribute's name, given by __set_name__
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
        self._choice_titles = choice_titles
        self.max_length = max_length
        self.required = required
        self._check = check

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __repr__(self) -> str:
        return f"Option({self.key!r}, default={self.default!r})"

    @property
    def title(self) -> str:
        """The message code of its title."""
        return f"option.{self.key}"

    def choice_title(self, choice: str) -> str:
        """The message code naming one of its choices."""
        return f"{self._choice_titles or self.title + '.'}{choice}"

    # --- the value a DeskSettings holds ---------------------------------------------------------

    @overload
    def __get__(self, settings: None, owner: type[Any]) -> Option[T]: ...

    @overload
    def __get__(self, settings: DeskSettings, owner: type[Any]) -> T: ...

    def __get__(self, settings: DeskSettings | None, owner: type[Any]) -> Option[T] | T:
        if settings is None:
            return self
        return cast(T, settings._values[self.key])

    def __set__(self, settings: DeskSettings, value: T) -> NoReturn:
        raise AttributeError(f"settings are frozen; use replace({self.key}=...)")

    # --- storage ----------------------------------------------------------------------------

    def read(self, uow: UnitOfWork) -> T:
        stored = uow.settings.get(self.key)
        if stored is None:
            return self.default
        try:
            value = self.coerce(stored)
        except (TypeError, ValueError):
            log.warning("setting %s holds %r, not a %s: default used", self.key, stored, self.kind)
            return self.default
        if self.choices and isinstance(value, tuple):
            # A choice another version knew (a service since dropped): left out, so saving
            # other settings is not refused for it.
            return cast(T, tuple(v for v in value if v in self.choices))
        if self.choices and value not in self.choices:
            log.warning("setting %s holds %r, not a choice: default used", self.key, stored)
            return self.default
        return value

    def write(self, uow: UnitOfWork, value: T) -> None:
        uow.settings.set(self.key, self.coerce(value))

    # --- types ------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """switch, whole, number, list or text: how it is typed, shown and checked."""
        default = self.default
        if isinstance(default, bool):
            return "switch"
        if isinstance(default, int):
            return "whole"
        if isinstance(default, float):
            return "number"
        if isinstance(default, tuple):
            return "list"
        return "text"

    def coerce(self, value: Any) -> T:
        """The value in the option's type (as stored, or as a screen gives it); raises
        ValueError or TypeError when it cannot be one."""
        kind = self.kind
        if kind == "switch":
            if not isinstance(value, bool | int):
                raise TypeError(value)
            return cast(T, bool(value))
        if kind == "whole":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(value)
            return cast(T, int(value))
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise TypeError(value)
            return cast(T, float(value))
        if kind == "list":
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise TypeError(value)
            return cast(T, tuple(str(v) for v in value))
        return cast(T, str(value))

    def parse(self, text: str) -> T:
        """Typed text (the CLI): on/off, numbers, lists separated by commas (，、 too)."""
        text = text.strip()
        kind = self.kind
        if kind == "switch":
            if text.lower() not in SWITCH_WORDS:
                raise self.refused("settings.switch")
            return cast(T, SWITCH_WORDS[text.lower()])
        if kind == "list":
            return cast(T, tuple(p.strip() for p in LIST_SEPARATORS.split(text) if p.strip()))
        try:
            return self.coerce(text)
        except ValueError:
            raise self.refused(
                "settings.whole_number" if kind == "whole" else "settings.number"
            ) from None

    def show(self, value: T) -> str:
        """The value as the CLI prints it, and as ``parse`` takes it back."""
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, tuple):
            return ", ".join(value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    # --- checks -----------------------------------------------------------------------------

    def refused(self, code: str, **params: Any) -> InvalidInput:
        """A refusal naming this option (by its title, in the reader's language)."""
        return InvalidInput(code, field=self.key, title=Code(self.title), **params)

    def clean(self, value: Any) -> T:
        """The value normalised, or InvalidInput saying what this option accepts."""
        try:
            cleaned = self.coerce(value)
        except (TypeError, ValueError):
            kind = self.kind
            code = {"switch": "settings.switch", "whole": "settings.whole_number"}.get(
                kind, "settings.number"
            )
            raise self.refused(code) from None
        if isinstance(cleaned, int | float) and not isinstance(cleaned, bool):
            low = -math.inf if self.minimum is None else self.minimum
            high = math.inf if self.maximum is None else self.maximum
            if not low <= cleaned <= high:  # also refuses nan
                raise self.refused("settings.range", min=f"{low:g}", max=f"{high:g}")
        if isinstance(cleaned, tuple):
            cleaned = cast(T, self._clean_list(cleaned))
        elif isinstance(cleaned, str) and self.choices and cleaned not in self.choices:
            raise self.refused("settings.choice", choices=", ".join(self.choices))
        return self._check(cleaned) if self._check is not None else cleaned

    def _clean_list(self, values: tuple[str, ...]) -> tuple[str, ...]:
        words = tuple(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))
        if self.choices:
            unknown = [w for w in words if w not in self.choices]
            if unknown:
                raise self.refused("settings.choice", choices=", ".join(self.choices))
            words = tuple(c for c in self.choices if c in words)
        if self.max_length is not None and any(len(w) > self.max_length for w in words):
            raise self.refused("settings.item_too_long", max=self.max_length)
        if self.required and not words:
            raise self.refused("settings.required")
        return words


# The address desks had before enrolment told them the real one: no such site exists.
PLACEHOLDER_BASE_URL = "https://verify.waystation.example"


def _base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url == PLACEHOLDER_BASE_URL:
        return ""  # "not known yet", as an older desk stored it
    if not url:
        return url
    if not url.startswith(("https://", "http://")) or " " in url or len(url) > 100:
        raise InvalidInput("settings.base_url", field="certificate_base_url")
    return url


def _template(path: str) -> str:
    path = path.strip()
    if not path:
        return path
    # ReportLab is loaded only when a template is to be checked, not at every start.
    from desktop.printing.certificates import TemplateError, load_template

    try:
        load_template(path)
    except (TemplateError, OSError) as error:
        raise InvalidInput(
            "settings.template",
            field="certificate_template",
            path=path[:80],
            problem=str(error)[:200],
        ) from None
    return path


SEAL_MAX_BYTES = 5_000_000
SEAL_MAX_PIXELS = 4000


def seal_problem(path: str) -> str:
    """Why this file cannot be the seal image ("" when it can): a PNG, not too large."""
    from PIL import Image, UnidentifiedImageError  # only when a seal is being chosen

    try:
        if os.path.getsize(path) > SEAL_MAX_BYTES:
            return f"> {SEAL_MAX_BYTES // 1_000_000} MB"
        with Image.open(path) as image:
            if image.format != "PNG":
                return f"{image.format or '?'}, not PNG"
            if max(image.size) > SEAL_MAX_PIXELS:
                return f"{image.size[0]}x{image.size[1]} px"
            image.verify()
    except (OSError, UnidentifiedImageError, ValueError) as error:
        return str(error)[:120] or type(error).__name__
    return ""


def _seal(path: str) -> str:
    path = path.strip()
    problem = seal_problem(path) if path else ""
    if problem:
        raise InvalidInput(
            "settings.seal", field="certificate_seal", path=path[:80], problem=problem
        )
    return path


def verification_address(stored: str) -> str:
    """The public verification address in a stored setting, "" when none is known (never
    set, or an older desk's placeholder)."""
    url = stored.strip().rstrip("/")
    return "" if url == PLACEHOLDER_BASE_URL else url


class DeskSettings:
    """Every setting of this desk, one frozen value: ``settings.sound``; on the class,
    ``DeskSettings.sound`` is the option itself (to read or write it alone)."""

    language = Option("zh", choices=LANGUAGES)
    idle_lock_minutes = Option(10, minimum=1, maximum=240)
    repeat_window_minutes = Option(30, minimum=1, maximum=240)
    offered_services = Option(SERVICES, choices=SERVICES, choice_titles="service.", required=True)
    # Only among the services offered (DeskSettings.cleaned keeps them so).
    default_services = Option[tuple[str, ...]](
        ("water", "rest"), choices=SERVICES, choice_titles="service."
    )
    occupations = Option(DEFAULT_OCCUPATIONS, max_length=30, required=True)
    tags = Option(DEFAULT_TAGS, max_length=30)
    sound = Option(True)
    # Cards signed by a device this desk has not heard of yet (before sync): refuse or accept.
    accept_unknown_devices = Option(False)
    # Where a phone checks a certificate (the central server's public address, which
    # enrolment hands the desk); "" = not known yet: certificates then carry a QR only a
    # station can check (see services/certificates/commands.py).
    certificate_base_url = Option("", check=_base_url)
    # Member cards: 10 on an A4 sheet (office printer) or one a page (card printer).
    card_layout = Option("a4", choices=("a4", "cr80"))
    # After registering someone: print their card (once, if it was never printed).
    auto_print_card = Option("ask", choices=("never", "ask", "always"))
    # This printer's shift of the back side, in mm (from the calibration page).
    print_offset_x_mm = Option(0.0, minimum=-10, maximum=10)
    print_offset_y_mm = Option(0.0, minimum=-10, maximum=10)
    # A copy of resources/templates/certificate-default.json a station changed; "" = default.
    certificate_template = Option("", check=_template)
    # The issuing union's seal, a PNG with a transparent background, printed over the
    # issuer on certificates; "" = none (the template leaves room to stamp by hand).
    certificate_seal = Option("", check=_seal)
    # Automatic backups: the folder the admin picked ("" = the data folder's backups/; a USB
    # stick is better: a dead disk takes the data folder with it) and how many are kept.
    backup_folder = Option("", max_length=260)
    backup_keep = Option(14, minimum=1, maximum=365)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - {option.key for option in self.options()}
        if unknown:
            raise TypeError(f"no such setting: {', '.join(sorted(unknown))}")
        self._values = {o.key: values.get(o.key, o.default) for o in self.options()}

    @classmethod
    def options(cls) -> tuple[Option[Any], ...]:
        """The declarations, in the order above."""
        return tuple(v for v in vars(cls).values() if isinstance(v, Option))

    @classmethod
    def option(cls, key: str) -> Option[Any]:
        found = vars(cls).get(key)
        if not isinstance(found, Option):
            raise KeyError(key)
        return found

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def replace(self, **changes: Any) -> DeskSettings:
        return DeskSettings(**{**self._values, **changes})

    def cleaned(self) -> DeskSettings:
        """Every value checked and normalised by its declaration; InvalidInput otherwise."""
        values = {option.key: option.clean(self._values[option.key]) for option in self.options()}
        offered = values["offered_services"]
        values["default_services"] = tuple(s for s in values["default_services"] if s in offered)
        return DeskSettings(**values)

    def __iter__(self) -> Iterator[tuple[Option[Any], Any]]:
        """(option, value) pairs, in declaration order."""
        return ((option, self._values[option.key]) for option in self.options())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeskSettings) and other._values == self._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"DeskSettings({self._values!r})"

"""Settings of a desk, declared once: key, type, default and the message code of its title.

Values live in the local database (``setting`` table) so they travel with its backups;
reading one that was never set gives its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from desktop.domain.model import DEFAULT_OCCUPATIONS, DEFAULT_TAGS, SERVICES
from desktop.storage.uow import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T
    title: str  # message code, e.g. "option.language"

    def read(self, uow: UnitOfWork) -> T:
        value = uow.settings.get(self.key)
        return self.default if value is None else cast(T, self.coerce(value))

    def write(self, uow: UnitOfWork, value: T) -> None:
        uow.settings.set(self.key, self.coerce(value))

    def coerce(self, value: Any) -> Any:
        if isinstance(self.default, bool):
            return bool(value)
        if isinstance(self.default, int):
            return int(value)
        if isinstance(self.default, tuple):
            return tuple(str(v) for v in value)
        return str(value)


LANGUAGE = Option[str]("language", "zh", "option.language")
IDLE_LOCK_MINUTES = Option[int]("idle_lock_minutes", 10, "option.idle_lock_minutes")
REPEAT_WINDOW_MINUTES = Option[int]("repeat_window_minutes", 30, "option.repeat_window_minutes")
OFFERED_SERVICES = Option[tuple[str, ...]]("offered_services", SERVICES, "option.offered_services")
DEFAULT_SERVICES = Option[tuple[str, ...]](
    "default_services", ("water", "rest"), "option.default_services"
)
OCCUPATIONS = Option[tuple[str, ...]]("occupations", DEFAULT_OCCUPATIONS, "option.occupations")
TAGS = Option[tuple[str, ...]]("tags", DEFAULT_TAGS, "option.tags")
SOUND = Option[bool]("sound", True, "option.sound")
# Cards signed by a device this desk has not heard of yet (before sync): refuse or accept.
ACCEPT_UNKNOWN_DEVICES = Option[bool](
    "accept_unknown_devices", False, "option.accept_unknown_devices"
)
# Member cards: "a4" (10 a sheet, office printer) or "cr80" (one a page, card printer).
CARD_LAYOUT = Option[str]("card_layout", "a4", "option.card_layout")
# After registering someone: print their card "never", "ask" or "always" (once, if the
# card was never printed).
AUTO_PRINT_CARD = Option[str]("auto_print_card", "ask", "option.auto_print_card")
# Automatic backups: the folder the admin picked ("" = the data folder's backups/; a USB
# stick is better: a dead disk takes the data folder with it) and how many are kept.
BACKUP_FOLDER = Option[str]("backup_folder", "", "option.backup_folder")
BACKUP_KEEP = Option[int]("backup_keep", 14, "option.backup_keep")
# This printer's shift of the back side, in mm (from the calibration page).
PRINT_OFFSET_X_MM = Option[str]("print_offset_x_mm", "0", "option.print_offset_x_mm")
PRINT_OFFSET_Y_MM = Option[str]("print_offset_y_mm", "0", "option.print_offset_y_mm")
# A copy of resources/templates/certificate-default.json a station changed; "" = default.
CERTIFICATE_TEMPLATE = Option[str]("certificate_template", "", "option.certificate_template")
# Where a phone checks a certificate; the sync issue points it at the central server.
CERTIFICATE_BASE_URL = Option[str](
    "certificate_base_url", "https://verify.waystation.example", "option.certificate_base_url"
)

ALL_OPTIONS: tuple[Option[Any], ...] = (
    LANGUAGE,
    IDLE_LOCK_MINUTES,
    REPEAT_WINDOW_MINUTES,
    OFFERED_SERVICES,
    DEFAULT_SERVICES,
    OCCUPATIONS,
    TAGS,
    SOUND,
    ACCEPT_UNKNOWN_DEVICES,
    CERTIFICATE_BASE_URL,
    CARD_LAYOUT,
    AUTO_PRINT_CARD,
    PRINT_OFFSET_X_MM,
    PRINT_OFFSET_Y_MM,
    CERTIFICATE_TEMPLATE,
    BACKUP_FOLDER,
    BACKUP_KEEP,
)

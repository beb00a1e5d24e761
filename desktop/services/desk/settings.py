"""The desk's settings as one value: read them, save them (admins, audited)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from desktop import config
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput
from desktop.domain.model import SERVICES, DeskContext, Role
from desktop.i18n import LANGUAGES
from desktop.services.desk.operators import require_role
from desktop.storage.uow import UnitOfWork

MINUTES_MIN, MINUTES_MAX = 1, 240
CARD_LAYOUTS = ("a4", "cr80")
AUTO_PRINT = ("never", "ask", "always")
OFFSET_MAX_MM = 10.0
LIST_ITEM_MAX = 30
BACKUP_KEEP_MIN, BACKUP_KEEP_MAX = 1, 365


@dataclass(frozen=True)
class DeskSettings:
    language: str
    idle_lock_minutes: int
    repeat_window_minutes: int
    offered_services: tuple[str, ...]
    default_services: tuple[str, ...]
    occupations: tuple[str, ...]
    tags: tuple[str, ...]
    sound: bool
    accept_unknown_devices: bool = False
    certificate_base_url: str = config.CERTIFICATE_BASE_URL.default
    card_layout: str = config.CARD_LAYOUT.default
    auto_print_card: str = config.AUTO_PRINT_CARD.default
    print_offset_x_mm: str = config.PRINT_OFFSET_X_MM.default
    print_offset_y_mm: str = config.PRINT_OFFSET_Y_MM.default
    certificate_template: str = config.CERTIFICATE_TEMPLATE.default
    backup_folder: str = config.BACKUP_FOLDER.default
    backup_keep: int = config.BACKUP_KEEP.default


OPTIONS: dict[str, config.Option[Any]] = {option.key: option for option in config.ALL_OPTIONS}


def read_settings(uow: UnitOfWork) -> DeskSettings:
    with uow.reading():
        return DeskSettings(**{f.name: OPTIONS[f.name].read(uow) for f in fields(DeskSettings)})


def _clean_list(values: tuple[str, ...], field: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))
    if any(len(v) > LIST_ITEM_MAX for v in cleaned):
        raise InvalidInput("settings.item_too_long", field=field, max=LIST_ITEM_MAX)
    return cleaned


def validate(values: DeskSettings) -> DeskSettings:
    if values.language not in LANGUAGES:
        raise InvalidInput("settings.language", field="language")
    for field in ("idle_lock_minutes", "repeat_window_minutes"):
        minutes = getattr(values, field)
        if not MINUTES_MIN <= minutes <= MINUTES_MAX:
            raise InvalidInput(
                "settings.minutes_range", field=field, min=MINUTES_MIN, max=MINUTES_MAX
            )
    url = values.certificate_base_url.strip().rstrip("/")
    if not url.startswith(("https://", "http://")) or " " in url or len(url) > 100:
        raise InvalidInput("settings.base_url", field="certificate_base_url")
    if values.card_layout not in CARD_LAYOUTS:
        raise InvalidInput("settings.card_layout", field="card_layout")
    if values.auto_print_card not in AUTO_PRINT:
        raise InvalidInput("settings.auto_print", field="auto_print_card")
    offsets: dict[str, Any] = {}
    for field in ("print_offset_x_mm", "print_offset_y_mm"):
        try:
            value = float(getattr(values, field))
        except ValueError:
            value = float("nan")
        if not -OFFSET_MAX_MM <= value <= OFFSET_MAX_MM:  # also refuses nan
            raise InvalidInput("settings.offset", field=field, max=OFFSET_MAX_MM)
        offsets[field] = f"{value:g}"
    template = values.certificate_template.strip()
    if template:
        # ReportLab is loaded only when a template is to be checked, not at every start.
        from desktop.printing.certificates import TemplateError, load_template

        try:
            load_template(template)
        except (TemplateError, OSError) as error:
            raise InvalidInput(
                "settings.template",
                field="certificate_template",
                path=template[:80],
                problem=str(error)[:200],
            ) from None
    if not BACKUP_KEEP_MIN <= values.backup_keep <= BACKUP_KEEP_MAX:
        raise InvalidInput(
            "settings.backup_keep", field="backup_keep", min=BACKUP_KEEP_MIN, max=BACKUP_KEEP_MAX
        )
    offered = tuple(s for s in SERVICES if s in values.offered_services)
    if not offered:
        raise InvalidInput("settings.no_services", field="offered_services")
    occupations = _clean_list(values.occupations, "occupations")
    if not occupations:
        raise InvalidInput("settings.no_occupations", field="occupations")
    return replace(
        values,
        offered_services=offered,
        default_services=tuple(s for s in offered if s in values.default_services),
        occupations=occupations,
        tags=_clean_list(values.tags, "tags"),
        certificate_base_url=url,
        certificate_template=template,
        backup_folder=values.backup_folder.strip(),
        **offsets,
    )


def save_settings(values: DeskSettings, uow: UnitOfWork, ctx: DeskContext) -> DeskSettings:
    """Write every setting in one transaction; the audit trail names what changed."""
    require_role(ctx, Role.ADMIN)
    values = validate(values)
    before = read_settings(uow)
    changed = {key: value for key, value in asdict(values).items() if asdict(before)[key] != value}
    with uow:
        for key, value in changed.items():
            OPTIONS[key].write(uow, value)
        if changed:
            uow.audit.record("settings_changed", ctx.operator_id, to_iso(uow.now()), **changed)
        uow.commit()
    return values

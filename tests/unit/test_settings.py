"""Desk settings declared once (desktop/config.py): the value, reading and saving, checks that
refuse bad values in the reader's language, and the CLI's ``settings show/set``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from desktop import i18n
from desktop.bootstrap import Desk
from desktop.cli import app as cli
from desktop.config import DeskSettings, Option
from desktop.domain.errors import InvalidInput, PermissionDenied
from desktop.domain.model import DeskContext, Device, Operator, Role
from desktop.services.desk import operators
from desktop.services.desk.settings import read_settings, save_settings


def refusal(key: str, value: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        DeskSettings().replace(**{key: value}).cleaned()
    assert refused.value.params["field"] == key
    return refused.value


# --- the declarations ---------------------------------------------------------------------------


def test_each_option_is_declared_once_with_its_title_and_choices_in_both_languages() -> None:
    known = i18n.messages()
    options = DeskSettings.options()
    assert len({o.key for o in options}) == len(options) == 18
    for option in options:
        assert getattr(DeskSettings, option.key) is option
        assert option.title in known, option.key
        for choice in option.choices:
            assert option.choice_title(choice) in known, (option.key, choice)


def test_the_defaults_pass_their_own_checks() -> None:
    defaults = DeskSettings()
    assert defaults.cleaned() == defaults
    assert defaults.idle_lock_minutes == 10 and defaults.card_layout == "a4"
    assert defaults.print_offset_x_mm == 0.0 and defaults.sound is True


def test_the_value_is_frozen_and_replaced_whole() -> None:
    defaults = DeskSettings()
    with pytest.raises(AttributeError):
        defaults.sound = False  # type: ignore[misc]
    quiet = defaults.replace(sound=False)
    assert quiet.sound is False and defaults.sound is True and quiet != defaults
    with pytest.raises(TypeError):
        defaults.replace(colour="red")


# --- checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "zh", "en"),
    [
        (
            "idle_lock_minutes",
            0,
            "「无操作自动锁屏（分钟）」应在 1 到 240 之间。",
            "Lock after idle (minutes): give a value between 1 and 240.",
        ),
        (
            "repeat_window_minutes",
            241,
            "「重复签到提醒时间（分钟）」应在 1 到 240 之间。",
            "Repeat check-in window (minutes): give a value between 1 and 240.",
        ),
        (
            "print_offset_y_mm",
            10.5,
            "「背面上下偏移（毫米）」应在 -10 到 10 之间。",
            "Back side shift, up-down (mm): give a value between -10 and 10.",
        ),
        (
            "card_layout",
            "a5",
            "「会员卡版式」只能是：a4, cr80。",
            "Card layout: give one of a4, cr80.",
        ),
        ("language", "fr", "「界面语言」只能是：zh, en。", "Language: give one of zh, en."),
        ("offered_services", (), "「本站提供的服务」至少要有一项。", "Services offered here: give"),
        ("occupations", ("快递员", "长" * 31), "「职业列表」每项最多 30 个字。", "at most 30"),
        ("idle_lock_minutes", "ten", "「无操作自动锁屏（分钟）」请填一个整数。", "whole number"),
        ("certificate_base_url", "ftp://x", "证书查验网址应以 https:// 开头", "https://"),
    ],
)
def test_bad_values_are_refused_in_the_readers_language(
    key: str, value: Any, zh: str, en: str
) -> None:
    error = refusal(key, value)
    assert zh in i18n.describe(error)
    i18n.set_language("en")
    assert en in i18n.describe(error)


def test_a_list_takes_only_its_choices_in_their_order() -> None:
    error = refusal("offered_services", ("water", "spa"))
    assert "spa" not in i18n.describe(error) and "water" in i18n.describe(error)
    cleaned = DeskSettings().replace(offered_services=("rest", "water", "rest")).cleaned()
    assert cleaned.offered_services == ("water", "rest")


def test_words_are_trimmed_and_repeats_dropped() -> None:
    cleaned = DeskSettings().replace(tags=(" 困难  职工 ", "劳模", "劳模", " ")).cleaned()
    assert cleaned.tags == ("困难 职工", "劳模")


def test_only_offered_services_stay_preselected() -> None:
    settings = DeskSettings().replace(
        offered_services=("water", "charging"), default_services=("rest", "charging")
    )
    assert settings.cleaned().default_services == ("charging",)


def test_nan_and_switch_words() -> None:
    assert refusal("print_offset_x_mm", math.nan).code == "settings.range"
    assert refusal("sound", "maybe").code == "settings.switch"


@pytest.mark.parametrize(
    ("option", "text", "value"),
    [
        (DeskSettings.sound, "OFF", False),
        (DeskSettings.accept_unknown_devices, "yes", True),
        (DeskSettings.idle_lock_minutes, " 15 ", 15),
        (DeskSettings.print_offset_x_mm, "-1.5", -1.5),
        (DeskSettings.occupations, "快递员，骑手、保安, 其他", ("快递员", "骑手", "保安", "其他")),
        (DeskSettings.card_layout, " cr80 ", "cr80"),
    ],
)
def test_typed_text_is_read_as_declared(option: Option[Any], text: str, value: Any) -> None:
    assert option.parse(text) == value
    assert option.parse(option.show(value)) == value  # show prints what parse takes back


def test_typed_text_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        DeskSettings.print_offset_x_mm.parse("left")
    assert i18n.describe(refused.value) == "「背面左右偏移（毫米）」请填一个数。"


# --- reading and saving ---------------------------------------------------------------------------


def test_unset_and_unreadable_values_read_as_their_default(
    desk: Desk, station: tuple[Device, Operator]
) -> None:
    assert read_settings(desk.uow()) == DeskSettings()
    with desk.uow() as uow:
        uow.settings.set("idle_lock_minutes", "soon")  # written by hand, or by an old version
        uow.settings.set("print_offset_x_mm", "1.5")  # offsets were text before
        uow.settings.set("card_layout", "a5")
        uow.settings.set("offered_services", ["water", "sauna", "rest"])  # sauna: dropped since
        uow.commit()
    settings = read_settings(desk.uow())
    assert settings.idle_lock_minutes == 10 and settings.print_offset_x_mm == 1.5
    assert settings.card_layout == "a4" and settings.offered_services == ("water", "rest")
    assert settings.cleaned() == settings  # so saving another setting is not refused


def test_saving_checks_writes_only_changes_and_is_for_admins(
    desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    current = read_settings(desk.uow())
    with pytest.raises(InvalidInput):
        save_settings(current.replace(idle_lock_minutes=0), desk.uow(), ctx)
    saved = save_settings(current.replace(print_offset_x_mm=-2.5, tags=()), desk.uow(), ctx)
    assert read_settings(desk.uow()) == saved
    with desk.uow().reading() as uow:
        assert uow.settings.all() == {"print_offset_x_mm": -2.5, "tags": []}

    lead = operators.add_operator(
        operators.OperatorForm(name="李组长", role=Role.LEAD, pin="1357"), desk.uow(), ctx
    )
    as_lead = DeskContext(ctx.station_id, ctx.device_id, lead.id, Role.LEAD)
    with pytest.raises(PermissionDenied):
        save_settings(saved.replace(sound=False), desk.uow(), as_lead)


# --- the command line -------------------------------------------------------------------------


def test_the_cli_shows_and_sets_every_declared_option(
    home: Path, station: tuple[Device, Operator], capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> int:
        return cli.main(["--home", str(home), *args])

    assert run("settings", "show") == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == len(DeskSettings.options())
    assert "idle_lock_minutes  无操作自动锁屏（分钟）: 10" in shown
    assert "sound  提示音: on" in shown

    assert run("settings", "set", "print_offset_x_mm", "1.2", "--json") == 0
    assert json.loads(capsys.readouterr().out)["print_offset_x_mm"] == 1.2

    assert run("settings", "set", "idle_lock_minutes", "500", "--lang", "en") == 1
    assert "Lock after idle (minutes): give a value between 1 and 240." in capsys.readouterr().err
    assert run("settings", "set", "card_layout", "a5") == 1
    assert "「会员卡版式」只能是：a4, cr80。" in capsys.readouterr().err


def test_setup_takes_the_verification_address_or_leaves_it_to_enrolment(tmp_path: Path) -> None:
    from desktop.bootstrap import open_desk
    from desktop.domain.model import StationKind
    from desktop.services.desk import setup

    def station(url: str) -> setup.StationSetup:
        return setup.StationSetup(
            "望京驿站", StationKind.STATION, "朝阳区总工会", "王站长", "2468", url
        )

    refused = open_desk(tmp_path / "a")
    with pytest.raises(InvalidInput):
        setup.set_up_station(station("zhengshu.example.cn"), refused.uow())
    assert not setup.is_set_up(refused.uow())  # nothing half made
    refused.close()
    desk = open_desk(tmp_path / "b")
    setup.set_up_station(station(" https://zhengshu.example.cn/ "), desk.uow())
    with desk.uow().reading() as uow:
        assert DeskSettings.certificate_base_url.read(uow) == "https://zhengshu.example.cn"
    desk.close()
    later = open_desk(tmp_path / "c")
    setup.set_up_station(station(""), later.uow())
    with later.uow().reading() as uow:
        assert DeskSettings.certificate_base_url.read(uow) == ""
    later.close()

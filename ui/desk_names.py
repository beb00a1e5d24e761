"""Which desk, in words: "本机" for this one, the station's name for another desk the server
told us about, "其他服务台" otherwise. The device code stays in the tooltip (for support)."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.services.desk.desks import DeskNames


def desk_label(code: str, names: DeskNames) -> str:
    if code and code == names.own_code:
        return tr("desk_name.this_desk")
    return names.station_of(code) or tr("desk_name.other_desk")


def desk_tip(code: str) -> str:
    return tr("desk_name.code_tip", code=code) if code else ""

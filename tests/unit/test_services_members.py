"""Members on the real store: register, duplicates, edit, deactivate, search."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from desktop.bootstrap import Desk, open_desk
from desktop.domain.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from desktop.domain.model import DeskContext, Device, Member, Operator, Role, StationKind
from desktop.domain.people import id_check_char, id_number_hash
from desktop.identity.secrets import ID_HASH_KEY_FILE
from desktop.services.desk import operators, setup
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import MemberForm

# Region 990000 is assigned to no place, so no number built on it belongs to a person.
ID_BODY = "99000019900307123"
ID_NUMBER = ID_BODY + id_check_char(ID_BODY)
OTHER_BODY = "99000019851120456"
OTHER_ID = OTHER_BODY + id_check_char(OTHER_BODY)


def count(desk: Desk, table: str, where: str = "1 = 1") -> int:
    with desk.engine.connect() as connection:
        query = f"SELECT count(*) FROM {table} WHERE {where}"
        return int(connection.exec_driver_sql(query).scalar())


def register(desk: Desk, ctx: DeskContext, **fields: object) -> Member:
    confirm = bool(fields.pop("confirm", False))
    form = MemberForm(**fields)  # type: ignore[arg-type]
    return members.register_member(form, desk.uow(), ctx, confirm_duplicates=confirm)


def context_with_role(desk: Desk, ctx: DeskContext, name: str, role: Role) -> DeskContext:
    form = operators.OperatorForm(name=name, role=role, pin="1357")
    added = operators.add_operator(form, desk.uow(), ctx)
    return DeskContext(ctx.station_id, ctx.device_id, added.id, added.role)


def names(found: list[Member]) -> list[str]:
    return [m.name for m in found]


# --- register ----------------------------------------------------------------------------


def test_register_normalises_what_was_typed(desk: Desk, ctx: DeskContext) -> None:
    member = register(
        desk,
        ctx,
        name=" 张 三 ",
        phone="＋86 １３８-0013-8000",
        occupation="  外卖   骑手 ",
        tags=("困难职工", " 困难职工 ", ""),
        consent=True,
    )
    assert member.name == "张三"
    assert member.phone == "13800138000"
    assert member.occupation == "外卖 骑手"
    assert member.tags == ("困难职工",)
    assert member.consent_at is not None
    assert member.version == 1
    ascii_plus = register(desk, ctx, name="李四", phone="+86 139 0013 9000", consent=True)
    assert ascii_plus.phone == "13900139000"
    full_width_only = register(desk, ctx, name="王五", phone="１３７００１３７０００", consent=True)
    assert full_width_only.phone == "13700137000"
    with desk.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT phone_tail, name_sort FROM member WHERE id = ?", (member.id,)
        ).one()
    assert tuple(row) == ("8000", "zhang san")


def test_register_refuses_bad_input_and_stores_nothing(desk: Desk, ctx: DeskContext) -> None:
    before = (count(desk, "member"), count(desk, "outbox"))
    for fields, code in (
        ({"name": "李四", "phone": "123", "consent": True}, "phone.length"),
        ({"name": "", "phone": ""}, "name.empty"),
        ({"name": "张三😀"}, "name.chars"),
        ({"name": "李四", "id_number": ID_BODY + "0", "consent": True}, "id.checksum"),
    ):
        with pytest.raises(InvalidInput) as refused:
            register(desk, ctx, **fields)
        assert refused.value.code == code
    assert (count(desk, "member"), count(desk, "outbox")) == before


def test_member_numbers_are_sequential_per_device_with_its_code(
    desk: Desk, ctx: DeskContext, station: tuple[Device, Operator], tmp_path: Path
) -> None:
    device, _ = station
    made = [register(desk, ctx, name=name).member_number for name in ("张三", "李四", "王五")]
    assert made == [f"{device.code}-{n:04d}" for n in (1, 2, 3)]
    # A refused registration does not use up a number.
    register(desk, ctx, name="赵六", phone="13800138000", consent=True)
    with pytest.raises(RuleViolation):
        register(desk, ctx, name="钱七", phone="13800138000", consent=True)
    assert register(desk, ctx, name="孙八").member_number == f"{device.code}-0005"
    with desk.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT next_member_seq FROM device").scalar() == 6
        numbers = connection.exec_driver_sql("SELECT member_number FROM member").scalars().all()
    assert len(numbers) == len(set(numbers)) == 5

    # Another device numbers on its own, under its own code.
    other = open_desk(tmp_path / "other")
    try:
        other_device, other_admin = setup.set_up_station(
            setup.StationSetup("另一驿站", StationKind.EVENT, "", "李管理", "1111"), other.uow()
        )
        other_ctx = DeskContext(
            other_device.station.id, other_device.id, other_admin.id, Role.ADMIN
        )
        first = members.register_member(MemberForm(name="张三"), other.uow(), other_ctx)
    finally:
        other.close()
    assert other_device.code != device.code
    assert first.member_number == f"{other_device.code}-0001"


def test_register_records_who_where_and_an_outbox_event(desk: Desk, ctx: DeskContext) -> None:
    outbox_before = count(desk, "outbox")
    member = register(desk, ctx, name="张三", phone="13800138000", consent=True)
    assert count(desk, "outbox") == outbox_before + 1
    assert count(desk, "member_revision", f"member_id = '{member.id}'") == 1
    with desk.engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT station_id, device_id, operator_id FROM member WHERE id = ?", (member.id,)
        ).one()
        kind, payload = connection.exec_driver_sql(
            "SELECT kind, payload FROM outbox WHERE entity_id = ?", (member.id,)
        ).one()
    assert tuple(row) == (ctx.station_id, ctx.device_id, ctx.operator_id)
    assert kind == "member.registered"
    assert json.loads(payload)["member_number"] == member.member_number


def test_id_number_is_kept_only_as_keyed_hash_and_last_four(desk: Desk, ctx: DeskContext) -> None:
    typed = ID_NUMBER.lower()[:6] + " " + ID_NUMBER.lower()[6:]
    member = register(desk, ctx, name="张三", phone="13800138000", id_number=typed, consent=True)
    key = (desk.paths.keys / ID_HASH_KEY_FILE).read_bytes()
    assert member.id_last4 == ID_NUMBER[-4:]
    assert member.id_hash == id_number_hash(ID_NUMBER, key)
    assert member.id_hash != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
    # Edit and deactivate too, so every table that copies a member has had its turn.
    members.update_member(
        member.id,
        MemberForm(name="张三", phone="13800138000", occupation="快递员"),
        1,
        desk.uow(),
        ctx,
    )
    members.set_member_active(member.id, False, "测试", desk.uow(), ctx)

    with desk.engine.connect() as connection:
        payloads = connection.exec_driver_sql("SELECT payload FROM outbox").scalars().all()
        revisions = connection.exec_driver_sql("SELECT data FROM member_revision").scalars().all()
    assert payloads and revisions
    secret_parts = (ID_NUMBER, ID_NUMBER.lower(), ID_BODY, ID_NUMBER[:14])
    for text in payloads + revisions:
        assert not any(part in text for part in secret_parts)
    member_events = [json.loads(p) for p in payloads if '"id_hash"' in p]
    assert {e["id_hash"] for e in member_events} == {member.id_hash}

    desk.engine.dispose()
    files = [f for f in desk.paths.home.rglob("*") if f.is_file()]
    assert any(f.name.endswith(".sqlite3") for f in files)
    for file in files:
        data = file.read_bytes()
        for part in secret_parts:
            assert part.encode() not in data, f"clear ID number in {file}"
            assert part.encode("utf-16-le") not in data, f"clear ID number in {file}"


def test_phone_or_id_needs_consent(desk: Desk, ctx: DeskContext) -> None:
    for fields in ({"phone": "13800138000"}, {"id_number": ID_NUMBER}):
        with pytest.raises(InvalidInput) as refused:
            register(desk, ctx, name="张三", **fields)
        assert refused.value.code == "member.consent_required"
        assert refused.value.params["field"] == "consent"
    assert count(desk, "member") == 0
    bare = register(desk, ctx, name="张三", occupation="快递员")
    assert bare.consent_at is None and bare.phone is None
    # Adding a phone later needs consent too, unless it was given before.
    with pytest.raises(InvalidInput):
        members.update_member(
            bare.id, MemberForm(name="张三", phone="13800138000"), 1, desk.uow(), ctx
        )
    saved = members.update_member(
        bare.id, MemberForm(name="张三", phone="13800138000", consent=True), 1, desk.uow(), ctx
    )
    assert saved.consent_at is not None and saved.phone == "13800138000"


def test_the_same_id_number_twice_is_refused(desk: Desk, ctx: DeskContext) -> None:
    first = register(desk, ctx, name="张三", id_number=ID_NUMBER, consent=True)
    with pytest.raises(RuleViolation) as refused:
        register(desk, ctx, name="张叁", id_number=" " + ID_NUMBER.lower() + " ", consent=True)
    assert refused.value.code == "member.duplicate_id"
    assert refused.value.params["number"] == first.member_number
    # Confirming a shared phone does not let a shared ID through.
    with pytest.raises(RuleViolation):
        register(desk, ctx, name="张叁", id_number=ID_NUMBER, consent=True, confirm=True)
    # Nor does an edit that gives another member the same ID number.
    other = register(desk, ctx, name="李四", id_number=OTHER_ID, consent=True)
    with pytest.raises(RuleViolation) as edit_refused:
        members.update_member(
            other.id, MemberForm(name="李四", id_number=ID_NUMBER), 1, desk.uow(), ctx
        )
    assert edit_refused.value.code == "member.duplicate_id"
    assert count(desk, "member") == 2


def test_the_same_phone_is_refused_unless_confirmed(desk: Desk, ctx: DeskContext) -> None:
    first = register(desk, ctx, name="张三", phone="13800138000", consent=True)
    with pytest.raises(RuleViolation) as refused:
        register(desk, ctx, name="张小三", phone="138 0013 8000", consent=True)
    assert refused.value.code == "member.duplicate_phone"
    assert refused.value.params == {"name": "张三", "number": first.member_number}
    assert count(desk, "member") == 1
    family = register(desk, ctx, name="张小三", phone="138 0013 8000", consent=True, confirm=True)
    assert family.phone == first.phone
    assert count(desk, "member") == 2


def test_find_duplicates_names_its_reasons(desk: Desk, ctx: DeskContext) -> None:
    zhang = register(desk, ctx, name="张三", phone="13800138000", id_number=ID_NUMBER, consent=True)
    register(desk, ctx, name="李四", phone="13900139000", consent=True)

    def hints(**typed: str) -> dict[str, tuple[str, ...]]:
        found = members.find_duplicates(desk.uow(), **typed)  # type: ignore[arg-type]
        return {hint.member.name: hint.reasons for hint in found}

    assert hints(name="王五", phone="＋86 138-0013-8000") == {"张三": ("phone",)}
    assert hints(name="王五", id_number=ID_NUMBER.lower()) == {"张三": ("id_number",)}
    assert hints(name="张 三", phone="13700008000") == {"张三": ("name_phone_tail",)}
    assert hints(name="张三", phone="13800138000") == {"张三": ("phone", "name_phone_tail")}
    assert hints(name="张三", phone="13800138000", id_number=ID_NUMBER) == {
        "张三": ("phone", "id_number", "name_phone_tail")
    }
    # Half-typed input finds nothing and raises nothing.
    assert hints(name="张", phone="138", id_number="9900") == {}
    assert hints(name="", phone="") == {}
    # The member being edited is not their own duplicate.
    found = members.find_duplicates(desk.uow(), "张三", "13800138000", exclude_id=zhang.id)
    assert found == []


# --- edit and deactivate -----------------------------------------------------------------


def test_edit_makes_a_new_version_with_a_revision(desk: Desk, ctx: DeskContext) -> None:
    member = register(
        desk, ctx, name="张三", phone="13800138000", id_number=ID_NUMBER, consent=True
    )
    outbox_before = count(desk, "outbox")
    edited = members.update_member(
        member.id,
        MemberForm(name="李 四", phone="13800138000", occupation="快递员", employer="顺丰速运"),
        member.version,
        desk.uow(),
        ctx,
    )
    assert (edited.name, edited.occupation, edited.employer) == ("李四", "快递员", "顺丰速运")
    assert edited.version == 2
    assert edited.member_number == member.member_number
    # An empty ID number keeps the one on file; consent given once stays.
    assert (edited.id_hash, edited.id_last4) == (member.id_hash, member.id_last4)
    assert edited.consent_at == member.consent_at
    assert count(desk, "outbox") == outbox_before + 1
    with desk.engine.connect() as connection:
        revisions = connection.exec_driver_sql(
            "SELECT version, data FROM member_revision WHERE member_id = ? ORDER BY version",
            (member.id,),
        ).all()
        kind = connection.exec_driver_sql(
            "SELECT kind FROM outbox ORDER BY seq DESC LIMIT 1"
        ).scalar()
    assert [r[0] for r in revisions] == [1, 2]
    assert json.loads(revisions[0][1])["name"] == "张三"
    assert json.loads(revisions[1][1])["name"] == "李四"
    assert kind == "member.updated"
    # The search keys follow the new name.
    assert names(member_queries.search_members(desk.uow(), "ls")) == ["李四"]
    # (A member number starting with ZS matches "zs" as a number, not as a name.)
    found = member_queries.search_members(desk.uow(), "zs")
    assert [m for m in found if not m.member_number.lower().startswith("zs")] == []


def test_a_stale_version_is_refused(desk: Desk, ctx: DeskContext) -> None:
    member = register(desk, ctx, name="张三")
    members.update_member(member.id, MemberForm(name="张三丰"), 1, desk.uow(), ctx)
    with pytest.raises(RuleViolation) as refused:
        members.update_member(member.id, MemberForm(name="张三石"), 1, desk.uow(), ctx)
    assert refused.value.code == "member.changed_meanwhile"
    current = members.resolve_member(desk.uow(), member.member_number)
    assert (current.name, current.version) == ("张三丰", 2)
    with pytest.raises(NotFound):
        members.update_member("no-such-member", MemberForm(name="张三"), 1, desk.uow(), ctx)


def test_deactivate_needs_a_reason_and_a_lead(desk: Desk, ctx: DeskContext) -> None:
    member = register(desk, ctx, name="张三")
    attendant = context_with_role(desk, ctx, "小李", Role.ATTENDANT)
    lead = context_with_role(desk, ctx, "老赵", Role.LEAD)

    with pytest.raises(PermissionDenied):
        members.set_member_active(member.id, False, "离职", desk.uow(), attendant)
    with pytest.raises(InvalidInput) as no_reason:
        members.set_member_active(member.id, False, "   ", desk.uow(), lead)
    assert no_reason.value.code == "member.reason_required"
    assert members.resolve_member(desk.uow(), member.member_number).active

    off = members.set_member_active(member.id, False, "  已 离职 ", desk.uow(), lead)
    assert (off.active, off.deactivated_reason, off.version) == (False, "已 离职", 2)
    with pytest.raises(PermissionDenied):
        members.set_member_active(member.id, True, "", desk.uow(), attendant)
    on = members.set_member_active(member.id, True, "", desk.uow(), ctx)
    assert (on.active, on.deactivated_reason, on.version) == (True, None, 3)
    with desk.engine.connect() as connection:
        kinds = (
            connection.exec_driver_sql(
                "SELECT kind FROM outbox WHERE entity_id = ? ORDER BY seq", (member.id,)
            )
            .scalars()
            .all()
        )
    assert kinds == ["member.registered", "member.deactivated", "member.reactivated"]
    assert count(desk, "member_revision", f"member_id = '{member.id}'") == 3


# --- search and resolve --------------------------------------------------------------------


@pytest.fixture
def people(desk: Desk, ctx: DeskContext) -> dict[str, Member]:
    return {
        m.name: m
        for m in (
            register(desk, ctx, name="张三", phone="13800138000", consent=True),
            register(desk, ctx, name="张伟", phone="13912345678", consent=True),
            register(desk, ctx, name="李四", phone="13700001111", consent=True),
            register(desk, ctx, name="曾小明", phone="13600002222", consent=True),
        )
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张三", ["张三"]),
        ("张 三", ["张三"]),
        ("zhangsan", ["张三"]),
        ("ZhangSan", ["张三"]),
        ("zhang san", ["张三"]),
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("zw", ["张伟"]),
        ("ls", ["李四"]),
        ("zengxiaoming", ["曾小明"]),
        ("zxm", ["曾小明"]),
        ("8000", ["张三"]),
        ("８０００", ["张三"]),
        ("5678", ["张伟"]),
        ("13912345678", ["张伟"]),
        ("xyzq", []),
    ],
)
def test_search_by_name_pinyin_initials_and_phone(
    desk: Desk, people: dict[str, Member], typed: str, expected: list[str]
) -> None:
    assert names(member_queries.search_members(desk.uow(), typed)) == expected


def test_search_by_a_prefix_finds_everyone_who_starts_so(
    desk: Desk, people: dict[str, Member]
) -> None:
    assert sorted(names(member_queries.search_members(desk.uow(), "zhang"))) == ["张三", "张伟"]
    assert sorted(names(member_queries.search_members(desk.uow(), "张"))) == ["张三", "张伟"]
    assert member_queries.search_members(desk.uow(), "   ") == []


def test_search_and_resolve_by_member_number(desk: Desk, people: dict[str, Member]) -> None:
    number = people["李四"].member_number
    compact = number.replace("-", "")
    for typed in (number, compact, number.lower(), compact.lower(), f" {number} "):
        assert names(member_queries.search_members(desk.uow(), typed)) == ["李四"], typed
        assert members.resolve_member(desk.uow(), typed).name == "李四", typed
    code, seq = number.split("-")
    assert members.resolve_member(desk.uow(), f"{code}-{int(seq)}").name == "李四"
    assert members.resolve_member(desk.uow(), "137 0000 1111").name == "李四"
    assert members.resolve_member(desk.uow(), people["李四"].id).name == "李四"
    with pytest.raises(NotFound):
        members.resolve_member(desk.uow(), "ZZZZZZ-9999")
    with pytest.raises(InvalidInput):
        members.resolve_member(desk.uow(), "  ")


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "8613800138000", "0086 13800138000"])
def test_search_finds_a_phone_typed_with_its_country_code(
    desk: Desk, people: dict[str, Member], typed: str
) -> None:
    assert members.resolve_member(desk.uow(), typed).name == "张三"
    assert names(member_queries.search_members(desk.uow(), typed)) == ["张三"]


def test_a_tag_longer_than_a_list_entry_is_refused(desk: Desk, ctx: DeskContext) -> None:
    with pytest.raises(InvalidInput) as refused:
        register(desk, ctx, name="赵六", tags=("a" * 5000,))
    assert refused.value.code == "member.tag_too_long"
    assert count(desk, "member") == 0


def test_withdrawing_consent_takes_effect_or_says_what_to_do_first(
    desk: Desk, ctx: DeskContext
) -> None:
    member = register(
        desk, ctx, name="张三", phone="13800138000", id_number=ID_NUMBER, consent=True
    )
    withdraw = MemberForm(name="张三", phone="13800138000", consent=False)
    with pytest.raises(RuleViolation) as refused:
        members.update_member(member.id, withdraw, member.version, desk.uow(), ctx)
    assert refused.value.code == "member.consent_withdraw"

    cleared = MemberForm(name="张三", consent=False, clear_id_number=True)
    saved = members.update_member(member.id, cleared, member.version, desk.uow(), ctx)
    assert saved.phone is None and saved.id_hash is None and saved.id_last4 is None
    assert saved.consent_at is None

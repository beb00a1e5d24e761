"""Tables of the members area: members (versioned entities), their search keys and every
saved version."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class MemberRow(Base):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_phone", "phone"),
        Index("ix_member_phone_tail", "phone_tail"),
        Index("ix_member_id_hash", "id_hash"),
        Index("ix_member_name_sort", "name_sort"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    name_sort: Mapped[str] = mapped_column(String(120), default="")  # pinyin, for 按姓名排序
    phone: Mapped[str | None] = mapped_column(String(11))
    phone_tail: Mapped[str | None] = mapped_column(String(4))
    occupation: Mapped[str] = mapped_column(String(30), default="")
    employer: Mapped[str] = mapped_column(String(100), default="")
    union_branch: Mapped[str] = mapped_column(String(100), default="")
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    id_hash: Mapped[str | None] = mapped_column(String(64))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    consent_at: Mapped[str | None] = mapped_column(String(27))
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    updated_at: Mapped[str] = mapped_column(String(27))
    # Known here only from a valid card scanned at this desk (registered at another
    # station): a placeholder until sync brings the record; never pushed itself.
    from_card: Mapped[bool] = mapped_column(default=False)
    # Set when a station lead merged this record into another (the same person registered
    # twice): kept with its visits, hidden from search, found under the record kept.
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)


class MemberSearchKeyRow(Base):
    """Lowercase keys a person may type (pinyin, initials, name, given name, member number).

    A prefix range scan on (key) answers search-as-you-type with an index lookup. Without
    rowid (migration 0011): the primary key is the table, one b-tree less per key.
    """

    __tablename__ = "member_search_key"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MemberRevisionRow(Base):
    """Each version of a member as it was saved, for the audit trail of edits."""

    __tablename__ = "member_revision"

    member_id: Mapped[str] = mapped_column(ForeignKey("member.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))

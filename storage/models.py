"""SQLAlchemy table definitions. Only storage/ sees these; repositories return storage.domain objects."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# A naming convention from the first migration: Alembic's batch mode on SQLite needs named constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
Id = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: DateTime(timezone=True)}


# --- people -------------------------------------------------------------------------------------


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class ConsentRow(Base):
    """A person's agreement to the personal-data notice, verifiable (who, when, to what: Luật
    91/2025/QH15, Nghị định 356/2025/NĐ-CP): the short notice as shown with the answer, and the full
    notice it points to, each with its version."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime]
    notice_version: Mapped[str] = mapped_column(String(40))  # the short notice
    notice_text: Mapped[str] = mapped_column(Text)
    full_version: Mapped[str] = mapped_column(String(40), default="", server_default="")  # the full notice
    full_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class ConsentRefusalRow(Base):
    """Declining the notice keeps nothing about the person: only how many declined each version."""

    __tablename__ = "consent_refusals"
    notice_version: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class PrivacyRequestRow(Base):
    """A data subject's request made through /quyenriengtu (copy, correction, erasure, restriction,
    withdrawal of consent): received at, due by (working days), closed by which command. The chat it
    came from is kept to tell the person when it is done, and blanked then."""

    __tablename__ = "privacy_requests"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # copy | correct | erase | restrict | withdraw
    detail: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16), default="")
    chat_id: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[dt.datetime]
    due: Mapped[dt.date]
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str] = mapped_column(String(64), default="")  # the operating-system account
    closed_with: Mapped[str] = mapped_column(String(16), default="")  # export | erase | done


class StaffRoleRow(Base):
    __tablename__ = "staff_roles"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class ReviewScopeRow(Base):
    """The kinds of record a reviewer may review (issue 24); a reviewer with no row reviews every kind."""

    __tablename__ = "review_scopes"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # a record kind: storage/review.py KINDS


class IdentityRow(Base):
    """A person's account on one channel. Channel ids are text: Zalo's are not numbers."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime]


class InviteRow(Base):
    """A one-time code: an invitation (roles) or a link code (staff_id). Only its hash is kept."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    roles: Mapped[str] = mapped_column(String(200), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


# --- the engine ---------------------------------------------------------------------------------


class InboxRow(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "event_key"),
        Index("ix_inbox_pending", "status", "channel", "chat_id", "id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_key: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    received_at: Mapped[dt.datetime]
    processed_at: Mapped[dt.datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    inbox_id: Mapped[int | None] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime]
    next_attempt_at: Mapped[dt.datetime]
    not_before: Mapped[dt.datetime | None]  # a notice held in quiet hours waits until then (bot/quiet.py)
    sent_at: Mapped[dt.datetime | None]
    platform_message_id: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")


class ConversationRow(Base):
    """Where a chat is in a conversation: the flow, the draft answers, a version for optimistic checks."""

    __tablename__ = "conversations"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime | None] = mapped_column(index=True)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))  # create | update | delete | correct | role | report ...
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class ScheduledJobRow(Base):
    """A timed job that must run once, even across restarts: the key is unique, done_at marks it run."""

    __tablename__ = "scheduled_jobs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    done_at: Mapped[dt.datetime | None]


class LockRow(Base):
    """Holder of the per-bot receive lock on databases without advisory locks."""

    __tablename__ = "runtime_locks"
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    heartbeat_at: Mapped[dt.datetime]


class SignedLinkRow(Base):
    """A document offered as a signed, expiring link (Zalo cannot receive files)."""

    __tablename__ = "document_links"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    created_at: Mapped[dt.datetime]


# --- reliability (issue 20) ---------------------------------------------------------------------


class OutageRow(Base):
    """A channel whose replies went past the send horizon: the administrators were told once (at
    `since`); the row goes when a send on the channel succeeds again (and they are told that once)."""

    __tablename__ = "outages"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    since: Mapped[dt.datetime]


class CodeTryRow(Base):
    """A wrong invitation code, kept for an hour so the limits hold across accounts and restarts.
    The account is kept as a keyed hash only: a stranger leaves no readable trace."""

    __tablename__ = "code_tries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(index=True)


# --- the managers' web view (webview/) ----------------------------------------------------------------


class WebSignInRow(Base):
    """A one-time sign-in link sent in the chat by /web: the SHA-256 of its token, valid until expires_at,
    used once (used_at)."""

    __tablename__ = "web_sign_ins"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class WebSessionRow(Base):
    """A signed-in browser: the SHA-256 of its cookie's token; it ends at sign-out (ended_at) or after
    the configured idle time since last_seen_at."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None]

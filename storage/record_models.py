"""Tables of captured records: what the capture forms write and the report reads.

Every record table has the same bookkeeping columns (RecordColumns) and an index on
(status, business date) so a period's records are read without scanning the table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from storage.models import Base, Id


class RecordColumns:
    """Who recorded it, from where, when, about which day; soft deletion and a version."""

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | deleted
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(16), default="console")
    source_event: Mapped[str] = mapped_column(String(128), default="")
    form: Mapped[str] = mapped_column(String(48), default="", server_default="")  # the form that made it
    # Review (issue 24, storage/review.py): waiting | returned | approved; when it entered that state, who
    # put it there, and the reviewer's comment when returned. Rows from before review are approved.
    review_state: Mapped[str] = mapped_column(String(16), default="approved", server_default="approved")
    review_at: Mapped[dt.datetime | None]
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")

    @declared_attr
    def recorded_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    @declared_attr
    def review_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    @declared_attr.directive
    def __table_args__(cls):
        return record_indexes(cls.__tablename__)


def record_indexes(table: str) -> tuple[Index, ...]:
    """Every record table's indexes: a period's rows, and the review queue (oldest first)."""
    return (Index(f"ix_{table}_period", "status", "business_date"),
            Index(f"ix_{table}_review", "review_state", "review_at"))


class FacilityRow(Base):
    __tablename__ = "facilities"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    tax_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("facilities.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


class PlanRow(RecordColumns, Base):
    """business_date is the plan's date."""

    __tablename__ = "plans"
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # kiem_tra | thanh_tra
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)


class InspectionRow(RecordColumns, Base):
    """One visit to one facility, whoever of the team sent it. business_date is the visit date."""

    __tablename__ = "inspections"

    @declared_attr.directive
    def __table_args__(cls):
        active = text("status = 'active'")
        return (
            *record_indexes("inspections"),
            # One record per visit, whoever of the team sends it: enforced by the database too, so two
            # inspectors confirming the same visit at the same moment cannot both write it.
            Index("uq_inspections_visit", "plan_id", "facility_id", "business_date", unique=True,
                  sqlite_where=active, postgresql_where=active),
        )

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    facility_kind: Mapped[str] = mapped_column(String(32))
    inspectors: Mapped[list] = mapped_column(JSON, default=list)  # staff ids
    checklist: Mapped[list] = mapped_column(JSON, default=list)  # [{criterion, result, note}]
    pumps: Mapped[list] = mapped_column(JSON, default=list)  # [{serial, certificate_valid, ...}]
    location_text: Mapped[str] = mapped_column(Text, default="")
    violations: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(16), default="none")
    fine_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    photos: Mapped[list] = mapped_column(JSON, default=list)
    compliant: Mapped[bool] = mapped_column(Boolean, default=True)


class CalibrationBatchRow(RecordColumns, Base):
    __tablename__ = "calibration_batches"
    field: Mapped[str] = mapped_column(String(32))
    verified: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    certificates: Mapped[int] = mapped_column(Integer)
    customer: Mapped[str] = mapped_column(String(300), default="")


class LicenceRow(RecordColumns, Base):
    """business_date is the issue date. A renewal, amendment or re-issue names the licence it replaces
    (`replaces_id`); licences issued before the bot are `imported` and never counted in a report."""

    __tablename__ = "licences"

    @declared_attr.directive
    def __table_args__(cls):
        # updated_at indexed: the look-up checks its index is fresh with max(id) and max(updated_at)
        return (*record_indexes("licences"), Index("ix_licences_updated_at", "updated_at"))

    kind: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(100))
    holder: Mapped[str] = mapped_column(String(300))
    facility: Mapped[str] = mapped_column(String(300), default="")
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id", ondelete="SET NULL"), index=True)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("licences.id", ondelete="SET NULL"), index=True)
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # for the look-up: number, holder and facility folded (lower case, no diacritics, đ → d)
    search_folded: Mapped[str] = mapped_column(Text, default="", server_default="")


class ActivityRow(RecordColumns, Base):
    __tablename__ = "activities"
    kind: Mapped[str] = mapped_column(String(48))
    count: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str] = mapped_column(Text, default="")


class NoteRow(Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_period", "period", "section", "status"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    period: Mapped[str] = mapped_column(String(16))  # "2023-01"
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


class ClosedPeriodRow(Base):
    __tablename__ = "closed_periods"
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    closed_at: Mapped[dt.datetime]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))


class ReportLogRow(Base):
    """Every report and export: who, when, which period."""

    __tablename__ = "report_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # report | export
    period: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16), default="cli")

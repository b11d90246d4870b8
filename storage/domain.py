"""Plain domain objects that repositories return. Never ORM rows.

Every captured record carries who recorded it, from which channel and message, when (UTC), the
business date it is about (a local date, Asia/Ho_Chi_Minh), a status and a version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ROLES = ("inspector", "technician", "licensing", "clerk", "manager", "reviewer", "admin")

ACTIVE = "active"
DELETED = "deleted"

# A captured record's review state (issue 24; storage/review.py moves it): "chờ duyệt", "cần bổ sung", "đã duyệt".
WAITING = "waiting"
RETURNED = "returned"
APPROVED = "approved"


class NotFound(Exception):
    """A repository found no row for the key it was given."""


class Conflict(Exception):
    """A write would break a uniqueness rule or was based on a stale version."""


# --- people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    channel: str
    user_id: str
    chat_id: str
    display_name: str = ""


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    roles: frozenset[str]
    unit: str = ""
    active: bool = True
    identities: tuple[Identity, ...] = ()

    def has(self, *roles: str) -> bool:
        return self.active and bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class Invite:
    id: int
    name: str
    roles: frozenset[str]
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    staff_id: int | None = None  # set for link codes: the staff member the code links to


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordMeta:
    """What every captured record carries."""

    recorded_by: int  # staff id
    channel: str = "console"
    source_event: str = ""  # the inbox event key the confirming message came from
    recorded_at: dt.datetime | None = None  # UTC
    status: str = ACTIVE
    version: int = 1
    form: str = ""  # the form that made it (handlers/<form>.py's declaration name); corrections open it
    # Its review state (WAITING | RETURNED | APPROVED). When adding a record: the state it starts in
    # (the capture forms submit theirs as WAITING; imports and the demo write APPROVED records).
    review: str = APPROVED
    review_comment: str = ""  # the reviewer's comment while RETURNED


@dataclass(frozen=True)
class Facility:
    id: int
    kind: str  # facility kind key from the catalogue: "xang_dau", "dien_dien_tu", "gas", "khac"
    name: str
    tax_code: str = ""
    address: str = ""  # commune/ward and the rest of the street address
    province: str = ""
    latitude: float | None = None
    longitude: float | None = None
    merged_into: int | None = None


@dataclass(frozen=True)
class Plan:
    """A decision or plan of inspection (kiểm tra) or formal inspection (thanh tra)."""

    id: int
    number: str  # số ký hiệu, e.g. "3826/KH-TĐC"
    plan_date: dt.date
    issuer: str  # e.g. "Tổng cục Tiêu chuẩn Đo lường Chất lượng"
    subject: str  # trích yếu
    kind: str  # "kiem_tra" | "thanh_tra"
    is_open: bool = True
    meta: RecordMeta | None = None


@dataclass(frozen=True)
class ChecklistAnswer:
    criterion: str  # criterion key from the catalogue
    result: str  # "met" | "not_met" | "na"
    note: str = ""


@dataclass(frozen=True)
class PumpCheck:
    serial: str
    certificate_valid: bool
    seals_intact: bool
    error_percent: float  # measured error with its sign, e.g. -0.3
    within_limit: bool  # judged against the configured limit (±0.45 % at retail)


@dataclass(frozen=True)
class InspectionVisit:
    id: int
    plan_id: int
    facility_id: int
    facility_kind: str
    visit_date: dt.date  # business date
    inspectors: tuple[int, ...] = ()  # staff ids present, the recorder included
    checklist: tuple[ChecklistAnswer, ...] = ()
    pumps: tuple[PumpCheck, ...] = ()
    location_text: str = ""
    violations: str = ""
    action: str = "none"  # "none" | "reminder" | "record" | "fine"
    fine_amount: int = 0  # VND
    photos: tuple[str, ...] = ()
    meta: RecordMeta | None = None

    @property
    def compliant(self) -> bool:
        """A facility meets the requirements unless a criterion is not met or a pump is out of limits."""
        return all(a.result != "not_met" for a in self.checklist) and all(
            p.within_limit and p.certificate_valid and p.seals_intact for p in self.pumps
        )


@dataclass(frozen=True)
class CalibrationBatch:
    id: int
    business_date: dt.date
    field: str  # calibration field key from the catalogue, e.g. "dien", "dong_ho_nuoc"
    verified: int  # số PTĐ hiệu chỉnh, kiểm định
    rejected: int  # số PTĐ loại bỏ
    certificates: int  # giấy chứng nhận cấp
    customer: str = ""
    meta: RecordMeta | None = None


@dataclass(frozen=True)
class Licence:
    id: int
    kind: str  # licence kind key: "xquang_y_te", "chung_chi_nvbx", ...
    action: str  # "cap_moi" | "gia_han" | "sua_doi" | "cap_lai"
    number: str
    holder: str
    facility: str
    issue_date: dt.date  # business date
    expiry_date: dt.date | None = None
    meta: RecordMeta | None = None
    facility_id: int | None = None  # the facility on file, when known (the register's import matches it)
    replaces_id: int | None = None  # the licence a renewal, amendment or re-issue replaces
    imported: bool = False  # issued before the bot: in the register, never in a period's report


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str  # activity kind key from the catalogue
    business_date: dt.date
    count: int
    detail: str = ""  # enterprise (steel import) or sector (technology opinion)
    authors: int = 0  # initiatives recognised: number of authors
    decision: str = ""  # the decision it cites, if any
    meta: RecordMeta | None = None


@dataclass(frozen=True)
class Note:
    """Narrative text for one report section and one reporting period."""

    id: int
    period: str  # "2023-01" for the month ending on the cut-off day of January 2023
    section: str  # report section key, e.g. "A.I", "B"
    text: str
    position: int = 0
    meta: RecordMeta | None = None


@dataclass(frozen=True)
class PeriodRecords:
    """Everything a report of one period is computed from."""

    calibration_batches: tuple[CalibrationBatch, ...] = ()
    inspections: tuple[InspectionVisit, ...] = ()
    plans: tuple[Plan, ...] = ()
    facilities: dict[int, Facility] = field(default_factory=dict)
    licences: tuple[Licence, ...] = ()
    activities: tuple[Activity, ...] = ()
    notes: tuple[Note, ...] = ()

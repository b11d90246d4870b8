"""Catalogues: facility kinds and their checklists, calibration fields, licence kinds, activity kinds,
holidays.

They are data (the `[[catalogue.*]]` tables of config.toml), so a department adds a criterion or a
field without new code. The report reads the phrases it prints from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.text import fold


class CatalogueError(ValueError):
    """A catalogue entry is missing a key or has a value of the wrong type."""


PUMP_ASPECTS = ("", "certificate", "seals", "error")


def _keep_synonyms(entry) -> None:
    """`synonyms`: other names people type for an entry ("cân" for "Khối lượng", "cây xăng" for
    "xăng dầu"), matched in the forms with or without diacritics; a list of text, kept as a tuple."""
    synonyms = entry.synonyms
    if isinstance(synonyms, str) or not isinstance(synonyms, Sequence) or not all(isinstance(s, str) for s in synonyms):
        raise ValueError("synonyms must be a list of text")
    if any(not _name_key(s) for s in synonyms):
        raise ValueError("a synonym must have a letter or a digit in it")
    if any(_name_key(s).isdecimal() for s in synonyms):
        raise ValueError("a synonym cannot be a number: a typed number picks an entry by its position in the list")
    object.__setattr__(entry, "synonyms", tuple(synonyms))


def _name_key(name: str) -> str:
    """What two names must differ in to be told apart when typed: folded, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # what the inspector is asked, e.g. "Phương tiện đo còn hiệu lực kiểm định"
    phrase: str  # what the report says when met, e.g. "sử dụng phương tiện đo còn hiệu lực ..."
    # What the report says of the facilities that failed it, e.g. "chưa lưu giữ đầy đủ hồ sơ chất
    # lượng"; "" lets the report derive it from `phrase` (reports.aggregate.failed_phrase).
    failed_phrase: str = ""
    # For kinds with pumps: which pump answer this criterion covers ("certificate", "seals" or
    # "error"): a pump failing it fails the criterion, as a "không đạt" answer does (docs/design.md).
    pumps: str = ""

    def __post_init__(self) -> None:
        if self.pumps not in PUMP_ASPECTS:
            raise ValueError(f"pumps must be one of {', '.join(repr(a) for a in PUMP_ASPECTS)}")


@dataclass(frozen=True)
class FacilityKind:
    key: str
    label: str  # "xăng dầu"
    report_noun: str  # "cơ sở kinh doanh xăng dầu"
    criteria: tuple[Criterion, ...]
    has_pumps: bool = False
    synonyms: tuple[str, ...] = ()  # names inspectors type for it: "cây xăng" for "xăng dầu"

    def __post_init__(self) -> None:
        _keep_synonyms(self)


@dataclass(frozen=True)
class CalibrationField:
    key: str
    label: str  # as printed in the report's table, e.g. "Điện trở nối đất"
    unit: str = "PTĐ"  # not a sentence: the catalogue's default unit (phương tiện đo)
    synonyms: tuple[str, ...] = ()  # names people type for it: "cân" for "Khối lượng"

    def __post_init__(self) -> None:
        _keep_synonyms(self)


@dataclass(frozen=True)
class LicenceKind:
    key: str
    label: str  # "giấy phép sử dụng thiết bị X-quang chẩn đoán trong y tế"
    validity_years: int = 0  # 0: the document has no expiry (radiation worker certificates)
    synonyms: tuple[str, ...] = ()  # names licensing officers type for it: "x quang", "cc"

    def __post_init__(self) -> None:
        _keep_synonyms(self)


@dataclass(frozen=True)
class ActivityKind:
    key: str
    label: str  # what the clerk picks, e.g. "Thông báo công bố hợp chuẩn"
    report_key: str  # the name the report template uses for this kind's figures
    detail: str = ""  # "" | "enterprise" | "sector" | "authors"
    count_question: str = ""  # how the form asks the count, with its unit: "Số bản thông báo đã ban hành?"
    synonyms: tuple[str, ...] = ()  # names clerks type for it: "hợp chuẩn", "thép", "khiếu nại"

    def __post_init__(self) -> None:
        _keep_synonyms(self)


@dataclass(frozen=True)
class Holiday:
    """A day off for the department's staff besides Saturdays and Sundays: a public holiday, a day in
    lieu, the Tết days the Prime Minister's decision gives civil servants (working-day deadlines skip it)."""

    date: dt.date
    name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.date, str):
            try:
                object.__setattr__(self, "date", dt.date.fromisoformat(self.date))
            except ValueError:
                raise ValueError(f"date {self.date!r} is not a date: write it YYYY-MM-DD") from None
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise ValueError(f"date must be a date (YYYY-MM-DD), not {self.date!r}")


@dataclass(frozen=True)
class Catalogue:
    facility_kinds: tuple[FacilityKind, ...]
    calibration_fields: tuple[CalibrationField, ...]
    licence_kinds: tuple[LicenceKind, ...]
    activity_kinds: tuple[ActivityKind, ...]
    holidays: tuple[Holiday, ...] = ()

    @property
    def holiday_dates(self) -> frozenset[dt.date]:
        return frozenset(h.date for h in self.holidays)

    def working_day(self, day: dt.date) -> bool:
        """Monday to Friday and not one of the catalogue's holidays."""
        return day.weekday() < 5 and day not in self.holiday_dates

    def facility_kind(self, key: str) -> FacilityKind:
        return _by_key(self.facility_kinds, key, "facility kind")

    def calibration_field(self, key: str) -> CalibrationField:
        return _by_key(self.calibration_fields, key, "calibration field")

    def licence_kind(self, key: str) -> LicenceKind:
        return _by_key(self.licence_kinds, key, "licence kind")

    def activity_kind(self, key: str) -> ActivityKind:
        return _by_key(self.activity_kinds, key, "activity kind")


def _by_key(items, key, what):
    for item in items:
        if item.key == key:
            return item
    raise KeyError(f"unknown {what}: {key}")


def _entry(cls, raw: Mapping[str, Any], where: str, **extra):
    fields = {f for f in cls.__dataclass_fields__} - set(extra)
    unknown = set(raw) - fields - {"criteria"}
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    try:
        return cls(**{k: v for k, v in raw.items() if k in fields}, **extra)
    except (TypeError, ValueError) as exc:
        raise CatalogueError(f"{where}: {exc}") from None


def catalogue_from_dict(raw: Mapping[str, Any], where: str = "catalogue") -> Catalogue:
    """Build the catalogue from the `[catalogue]` table of config.toml."""
    try:
        kinds = tuple(
            _entry(
                FacilityKind,
                fk,
                f"{where}.facility_kinds[{i}]",
                criteria=tuple(
                    _entry(Criterion, c, f"{where}.facility_kinds[{i}].criteria[{j}]")
                    for j, c in enumerate(fk.get("criteria", ()))
                ),
            )
            for i, fk in enumerate(raw["facility_kinds"])
        )
        fields = tuple(
            _entry(CalibrationField, f, f"{where}.calibration_fields[{i}]")
            for i, f in enumerate(raw["calibration_fields"])
        )
        licences = tuple(
            _entry(LicenceKind, lk, f"{where}.licence_kinds[{i}]") for i, lk in enumerate(raw["licence_kinds"])
        )
        activities = tuple(
            _entry(ActivityKind, ak, f"{where}.activity_kinds[{i}]")
            for i, ak in enumerate(raw["activity_kinds"])
        )
        holidays = tuple(
            _entry(Holiday, h, f"{where}.holidays[{i}]") for i, h in enumerate(raw.get("holidays", ()))
        )
    except KeyError as exc:
        raise CatalogueError(f"{where}.{exc.args[0]} is missing") from None
    for name, entries in (("facility_kinds", kinds), ("calibration_fields", fields), ("licence_kinds", licences),
                          ("activity_kinds", activities)):
        _check_synonyms(entries, f"{where}.{name}")
    return Catalogue(kinds, fields, licences, activities, holidays)


def _check_synonyms(entries, where: str) -> None:
    """A synonym names one entry of its table: refused when it is also another entry's synonym or
    label (folded, punctuation aside), since a typed answer could not tell the two apart."""
    owners: dict[str, tuple[str, str]] = {}  # name key → (entry key, the synonym as written)
    for entry in entries:
        for name in entry.synonyms:
            first, spelled = owners.setdefault(_name_key(name), (entry.key, name))
            if first != entry.key:
                also = "" if spelled == name else f" (written {spelled!r} there)"
                raise CatalogueError(
                    f"{where}: the synonym {name!r} is given to two entries, {first}{also} and {entry.key}; "
                    "a typed answer could not tell them apart, so keep it on one of them"
                )
    for entry in entries:
        owner, spelled = owners.get(_name_key(entry.label), (entry.key, ""))
        if owner != entry.key:
            raise CatalogueError(
                f"{where}: the synonym {spelled!r} of {owner} is the label of {entry.key}; a typed answer "
                f"could not tell the two apart, so take it out of the synonyms of {owner}"
            )
    for entry in entries:
        for name in entry.synonyms:
            for other in entries:
                longer = next((n for n in (other.label, *other.synonyms) if _starts(n, name)), None)
                if other.key != entry.key and longer is not None:
                    raise CatalogueError(
                        f"{where}: the synonym {name!r} of {entry.key} is how {longer!r} of {other.key} begins; "
                        f"typed, it would name both, so make it longer or take it out of the synonyms of {entry.key}"
                    )


def _words(name: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", fold(name)).split()


def _starts(name: str, prefix: str) -> bool:
    """Whether `name` begins with the words of `prefix` (folded: "dong ho" begins "Đồng hồ đo nước")."""
    head = _words(prefix)
    return bool(head) and _words(name)[: len(head)] == head

"""What the report prints about the department, taken from config.toml's [organisation] and [reporting].

The runtime loads the config and passes the two tables as dicts; reports/ never reads files or the
environment itself, so the report can be produced for any department from any configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import texts
from reports.periods import DEFAULT_CUT_OFF_DAY
from reports.sections import SECTION_KEYS

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "monthly_report.docx"


class ReportSettingsError(ValueError):
    """A key of [organisation] or [reporting] is missing or has the wrong type."""


@dataclass(frozen=True)
class ReportSettings:
    parent_body: str  # "UBND TỈNH …" (ô 2, first line)
    department: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ" (ô 2, bold)
    province: str  # "…" without "tỉnh"
    place: str  # place name of the date line
    symbol: str  # "BC-SKHCN"
    signer_title: str  # "GIÁM ĐỐC" or "PHÓ GIÁM ĐỐC"
    signer_name: str
    recipients_to: tuple[str, ...]  # "Kính gửi"
    recipients_copy: tuple[str, ...]  # "Nơi nhận", the last one being "Lưu: VT, …"
    department_name: str = texts.document.DEPARTMENT_NAME  # as a sentence writes it
    department_short: str = texts.document.DEPARTMENT_SHORT
    locality: str = ""  # "tỉnh …" as a sentence writes it; default "tỉnh <province>"
    signer_authority: str = ""  # "KT. GIÁM ĐỐC" when a deputy signs; empty when the head signs
    drafter_initials: str = ""  # raised after the last "Nơi nhận" line: "Lưu: VT, VP" + "Tr"
    calibration_centre: str = texts.document.CALIBRATION_CENTRE
    inspection_unit: str = texts.document.INSPECTION_UNIT
    cut_off_day: int = DEFAULT_CUT_OFF_DAY
    template: Path = DEFAULT_TEMPLATE
    # [reporting] section_defaults: a section's default paragraph ("A.II.1.2" = "Tiếp tục triển khai …"),
    # printed in a period with no note of its own for that section; none unless configured.
    section_defaults: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(
        cls,
        organisation: Mapping[str, Any],
        reporting: Mapping[str, Any] | None = None,
        base_dir: Path | None = None,
    ) -> ReportSettings:
        """Build from the [organisation] and [reporting] tables; unknown keys belong to others."""
        reporting = reporting or {}
        values = {key: _text(organisation, key) for key in _REQUIRED}
        values.update({key: _text(organisation, key) for key in _OPTIONAL if key in organisation})
        values["recipients_to"] = _texts(organisation, "recipients_to")
        values["recipients_copy"] = _texts(organisation, "recipients_copy")
        if not values.get("locality"):
            values["locality"] = texts.document.LOCALITY.format(province=values["province"])
        if "cut_off_day" in reporting:
            values["cut_off_day"] = _cut_off(reporting["cut_off_day"])
        if "section_defaults" in reporting:
            values["section_defaults"] = _section_defaults(reporting["section_defaults"])
        if reporting.get("report_template"):
            values["template"] = _template_path(reporting["report_template"], base_dir)
        return cls(**values)


_REQUIRED = ("parent_body", "department", "province", "place", "symbol", "signer_title", "signer_name")
_OPTIONAL = (
    "department_name",
    "department_short",
    "locality",
    "signer_authority",
    "drafter_initials",
    "calibration_centre",
    "inspection_unit",
)


def _text(table: Mapping[str, Any], key: str) -> str:
    if key not in table:
        raise ReportSettingsError(f"organisation.{key} is missing")
    if not isinstance(table[key], str):
        raise ReportSettingsError(f"organisation.{key} must be text")
    return table[key].strip()


def _texts(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ReportSettingsError(f"organisation.{key} must be a list of text")
    return tuple(v.strip() for v in value if v.strip())


def _cut_off(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 31:
        raise ReportSettingsError("reporting.cut_off_day must be a whole number from 1 to 31")
    return value


def _section_defaults(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ReportSettingsError("reporting.section_defaults must be a table of section = \"text\"")
    unknown = [k for k in value if k not in SECTION_KEYS]
    if unknown:
        raise ReportSettingsError(f"reporting.section_defaults: no section {unknown[0]!r} (sections: "
                                  f"{', '.join(SECTION_KEYS)})")
    return {k: v.strip() for k, v in value.items() if v.strip()}


def _template_path(value: Any, base_dir: Path | None) -> Path:
    if not isinstance(value, str):
        raise ReportSettingsError("reporting.report_template must be a file path")
    path = Path(value)
    return path if path.is_absolute() or base_dir is None else base_dir / path

"""Every command and form of the bot, registered in one place, in the order /help lists them.

A command's handler is `async (unit, staff, router)`. Forms are declared in their own modules
(handlers/<form>.py) and started by their command.
"""

from __future__ import annotations

from handlers import (
    activity,
    calibration,
    capture_texts,
    facilities,
    inspection,
    inspection_texts,
    licence,
    mine,
    notes,
    people,
    periods,
    plan,
    report,
    report_texts,
)
from handlers.commands import Command, CommandTable

EVERYONE: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
INSPECTOR = frozenset({"inspector"})
MANAGER = frozenset({"manager"})
MANAGER_OR_CLERK = frozenset({"manager", "clerk"})
TECHNICIAN = frozenset({"technician"})
LICENSING = frozenset({"licensing"})


async def _staff(unit, staff, router) -> None:
    await people.staff_command(unit, staff, router.menu_reply)


async def _link(unit, staff, router) -> None:
    await people.link_code(unit, staff)


def build_flows(services) -> dict:
    """The forms, by name. Each is declared as data in its own module."""
    return {
        **inspection.build(services),  # /kiemtra: one form; the location is a pin (Telegram) or typed
        "merge_facilities": facilities.merge_flow(),  # /gopcoso
        notes.FLOW_NAME: notes.note_flow(services),  # /ghichu
        **calibration.flows(services),  # /kiemdinh; each capture form also has its ".manager" twin
        **licence.flows(services),  # /giayphep
        **activity.flows(services),  # /hoatdong
        **plan.flows(services),  # /kehoach
        **mine.flows(services),  # /cuatoi: the list; corrections reuse the forms above
        periods.CLOSE_NAME: periods.close_flow(),  # /chotky
    }


def build_commands(services) -> CommandTable:
    return CommandTable([
        # Field work: one facility check on site, one record per visit.
        Command("kiemtra", ("inspect",), INSPECTOR, inspection_texts.COMMAND_DESCRIPTION, inspection.command),
        # Calibration batches, with a one-line shortcut straight to the review.
        Command("kiemdinh", ("calibrate",), TECHNICIAN, capture_texts.CAL_DESCRIPTION, calibration.command),
        # Licences and certificates issued; countable activities of the units.
        Command("giayphep", ("licence",), LICENSING, capture_texts.LIC_DESCRIPTION, licence.command),
        Command("hoatdong", ("activity",), MANAGER_OR_CLERK, capture_texts.ACT_DESCRIPTION, activity.command),
        # Plans of inspection: inspectors pick an open one in /kiemtra; managers close them when done.
        Command("kehoach", ("plan",), MANAGER, capture_texts.PLAN_DESCRIPTION, plan.command),
        # What I entered this period: open, correct with the same form, or delete.
        Command("cuatoi", ("mine",), EVERYONE, capture_texts.MINE_DESCRIPTION, mine.command),
        # Closing a month: later entries are refused, managers' corrections are audited.
        Command("chotky", ("closeperiod",), MANAGER, capture_texts.CLOSE_DESCRIPTION, periods.close_command),
        # The monthly report: notes for its sections, then the .docx and the raw records (made by a job).
        Command("ghichu", ("note",), MANAGER_OR_CLERK, report_texts.NOTES_COMMAND, notes.note_command),
        Command("baocao", ("report",), MANAGER, report_texts.REPORT_COMMAND, report.report_command),
        Command("xuat", ("export",), MANAGER, report_texts.EXPORT_COMMAND, report.export_command),
        # Linking the same person's Zalo and Telegram accounts.
        Command("lienket", ("link",), EVERYONE, "lấy mã liên kết tài khoản Zalo/Telegram còn lại", _link),
        # Administration: the staff list, roles, revoking access.
        Command("staff", ("nhansu", "canbo"), ADMIN, "danh sách cán bộ, đổi vai trò, thu hồi quyền", _staff),
        # Facilities typed twice: keep one, merge the other into it.
        Command("gopcoso", ("mergefacility",), ADMIN, inspection_texts.MERGE_DESCRIPTION, facilities.merge_command),
    ])

"""Every command and form of the bot, registered in one place, in the order /help lists them.

A command's handler is `async (unit, staff, services)`; it answers through the unit or returns a
`StartForm` to open a form. Forms are declared in their own modules
(handlers/<form>.py) and started by their command.
"""

from __future__ import annotations

import texts
from handlers import (
    activity,
    calibration,
    closing,
    facilities,
    inspection,
    licence,
    mine,
    notes,
    people,
    plan,
    report,
)
from handlers.commands import Command, CommandTable

EVERYONE: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
INSPECTOR = frozenset({"inspector"})
MANAGER = frozenset({"manager"})
MANAGER_OR_CLERK = frozenset({"manager", "clerk"})
TECHNICIAN = frozenset({"technician"})
LICENSING = frozenset({"licensing"})


async def _staff(unit, staff, services) -> None:
    await people.staff_command(unit, staff, services.menu_for)


async def _invite(unit, staff, services) -> None:
    await people.invite_command(unit, staff, services.config.general.invite_days)


async def _link(unit, staff, services) -> None:
    await people.link_code(unit, staff)


def build_flows(services) -> dict:
    """The forms, by name. Each is declared as data in its own module."""
    return {
        **inspection.build(services),  # /kiemtra: one form; the location is a pin (Telegram) or typed
        facilities.MERGE_NAME: facilities.merge_flow(),  # /gopcoso
        notes.FLOW_NAME: notes.note_flow(services),  # /ghichu
        **calibration.flows(services),  # /kiemdinh; each capture form also has its ".manager" twin
        **licence.flows(services),  # /giayphep
        **activity.flows(services),  # /hoatdong
        **plan.flows(services),  # /kehoach
        **mine.flows(services),  # /cuatoi: the list; corrections reuse the forms above
        closing.CLOSE_NAME: closing.close_flow(),  # /chotky
    }


def build_commands(services) -> CommandTable:
    return CommandTable([
        # Field work: one facility check on site, one record per visit.
        Command("kiemtra", ("inspect",), INSPECTOR, texts.inspection.COMMAND_DESCRIPTION, inspection.command),
        # Calibration batches, with a one-line shortcut straight to the review.
        Command("kiemdinh", ("calibrate",), TECHNICIAN, texts.capture.CAL_DESCRIPTION, calibration.command),
        # Licences and certificates issued; countable activities of the units.
        Command("giayphep", ("licence",), LICENSING, texts.capture.LIC_DESCRIPTION, licence.command),
        Command("hoatdong", ("activity",), MANAGER_OR_CLERK, texts.capture.ACT_DESCRIPTION, activity.command),
        # Plans of inspection: inspectors pick an open one in /kiemtra; managers close them when done.
        Command("kehoach", ("plan",), MANAGER, texts.capture.PLAN_DESCRIPTION, plan.command),
        # What I entered this period: open, correct with the same form, or delete.
        Command("cuatoi", ("mine",), EVERYONE, texts.capture.MINE_DESCRIPTION, mine.command),
        # Closing a month: later entries are refused, managers' corrections are audited.
        Command("chotky", ("closeperiod",), MANAGER, texts.capture.CLOSE_DESCRIPTION, closing.close_command),
        Command("mochot", ("reopenperiod",), MANAGER, texts.capture.REOPEN_DESCRIPTION, closing.reopen_command),
        # The monthly report: notes for its sections, then the .docx and the raw records (made by a job).
        Command("ghichu", ("note",), MANAGER_OR_CLERK, texts.report.NOTES_COMMAND, notes.note_command),
        Command("baocao", ("report",), MANAGER, texts.report.REPORT_COMMAND, report.report_command),
        Command("xuat", ("export",), MANAGER, texts.report.EXPORT_COMMAND, report.export_command),
        # Linking the same person's Zalo and Telegram accounts.
        Command("lienket", ("link",), EVERYONE, texts.people.LINK_DESCRIPTION, _link),
        # Administration: the staff list, roles, revoking access.
        Command("staff", ("nhansu", "canbo"), ADMIN, texts.people.STAFF_DESCRIPTION, _staff),
        Command("moi", ("invite",), ADMIN, texts.people.INVITE_DESCRIPTION, _invite),
        # Facilities typed twice: keep one, merge the other into it.
        Command("gopcoso", ("mergefacility",), ADMIN, texts.inspection.MERGE_DESCRIPTION, facilities.merge_command),
    ])

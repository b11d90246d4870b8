"""Every form and command of the bot, declared once each, listed here once, in the order /help shows them.

A form is a `Form` declared in its own module (handlers/forms.py says what it holds); a command that
opens no form is a `Command` here. The command table, /help and Telegram's menus, the role checks,
the runtime's forms and /cuatoi's record kinds are all derived from this list (`ENTRIES`): adding a
form is its module, its sentences in texts/, and one line below.

A command's handler is `async (unit, staff, services)`; it answers through the unit or returns a
`StartForm` to open a form.
"""

from __future__ import annotations

from collections.abc import Sequence

import texts
from handlers import (
    activity,
    calibration,
    closing,
    facilities,
    inspection,
    licence,
    lookup,
    mine,
    notes,
    people,
    plan,
    report,
    review_chat,
    review_fix,
    web_signin,
)
from handlers.commands import Command, CommandTable
from handlers.forms import EVERYONE, Entry, Form, command_table, flows_of, forms_in

ADMIN = frozenset({"admin"})
MANAGER = frozenset({"manager"})


async def _staff(unit, staff, services) -> None:
    await people.staff_command(unit, staff, services.menu_for)


async def _invite(unit, staff, services) -> None:
    await people.invite_command(unit, staff, services.config.general.invite_days, services.config.language.system_name)


async def _link(unit, staff, services) -> None:
    await people.link_code(unit, staff, services.config.language.system_name)


ENTRIES: tuple[Entry, ...] = (
    # Field work: one facility check on site, one record per visit.
    inspection.FORM,  # /kiemtra
    # Calibration batches, with a one-line shortcut straight to the review.
    calibration.FORM,  # /kiemdinh
    # Licences and certificates issued; countable activities of the units.
    licence.FORM,  # /giayphep
    Command("tracuu", ("lookup",), frozenset({"licensing", "manager", "inspector"}), texts.licences.COMMAND_DESCRIPTION,
            lookup.command, keeps_draft=True),  # the licence register; a look-up keeps a half-filled form
    activity.FORM,  # /hoatdong
    # Plans of inspection: inspectors pick an open one in /kiemtra; managers close them when done.
    plan.FORM,  # /kehoach
    # What I entered this period: open, correct with the same form, or delete.
    mine.FORM,  # /cuatoi
    # Review: managers and reviewers approve records or return them; authors correct what came back.
    Command(review_chat.COMMAND, ("review", *texts.review.COMMAND_ALIASES), frozenset({"manager", "reviewer"}),
            texts.review.COMMAND_DESCRIPTION, review_chat.command),
    Command(review_fix.COMMAND, ("fix",), EVERYONE, texts.review.FIX_DESCRIPTION, review_fix.command),
    # Closing a month: later entries are refused, managers' corrections are audited.
    closing.FORM,  # /chotky
    Command("mochot", ("reopenperiod",), MANAGER, texts.capture.REOPEN_DESCRIPTION, closing.reopen_command),
    # The monthly report: notes for its sections, then the .docx and the raw records (made by a job).
    notes.FORM,  # /ghichu
    Command("baocao", ("report",), MANAGER, texts.report.REPORT_COMMAND, report.report_command),
    Command("xuat", ("export",), MANAGER, texts.report.EXPORT_COMMAND, report.export_command),
    # The managers' web view: a one-time sign-in link (webview/).
    Command("web", ("trangweb",), web_signin.ROLES, texts.web.COMMAND_DESCRIPTION, web_signin.command),
    # Linking the same person's Zalo and Telegram accounts.
    Command("lienket", ("link",), EVERYONE, texts.people.LINK_DESCRIPTION, _link),
    # Administration: the staff list, roles, revoking access.
    Command("nhansu", ("staff", "canbo"), ADMIN, texts.people.STAFF_DESCRIPTION, _staff),
    Command("moi", ("invite",), ADMIN, texts.people.INVITE_DESCRIPTION, _invite),
    # Facilities typed twice: keep one, merge the other into it.
    facilities.MERGE_FORM,  # /gopcoso
)


def build_forms(entries: Sequence[Entry] = ENTRIES) -> dict[str, Form]:
    """The declarations by name (services.forms: what /cuatoi lists and corrects)."""
    return {form.name: form for form in forms_in(entries)}


def build_flows(services, entries: Sequence[Entry] = ENTRIES) -> dict:
    """The runtime's forms by name, each record form with its managers' twin."""
    return flows_of(entries, services)


def build_commands(entries: Sequence[Entry] = ENTRIES) -> CommandTable:
    return command_table(entries)

"""Routes one incoming message: who is writing, which command or form it belongs to, what to answer.

Called by the engine inside the message's unit of work; everything it writes commits together.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import texts
from bot import flow as flows
from bot.engine import Unit
from bot.form import Flow, FlowContext, StartForm
from bot.messages import Choice, Reply
from handlers import people as people_handlers
from handlers import privacy, registration, review_chat, review_fix, review_notices
from handlers.commands import Command, CommandTable
from handlers.services import Services
from storage import engine_store, people
from storage.domain import Staff
from storage.text import fold

log = logging.getLogger(__name__)

CANCEL_COMMANDS = {"cancel", "huy"}
HELP_COMMANDS = {"help", "trogiup"}
PRIVACY_COMMANDS = {"quyenriengtu", "privacy"}
CANCEL_WORDS = {"huy", "/huy", "cancel", "/cancel"}
REVIEW_KINDS = (review_chat.KIND, review_notices.OFFER)  # states another command leaves


@dataclass(frozen=True)
class RouterSettings:
    draft_idle: dt.timedelta
    zone: Any  # ZoneInfo
    services: Services | Any = None  # what forms and commands need (handlers/services.py)
    address: str = texts.people.DEFAULT_ADDRESS  # config.toml [language] address


class Router:
    def __init__(self, commands: CommandTable, settings: RouterSettings, limiter=None):
        self.commands = commands
        self.settings = settings
        self.services = settings.services
        self.limiter = limiter or people_handlers.CodeLimiter()

    async def __call__(self, unit: Unit) -> None:
        msg = unit.incoming
        staff = await people.staff_by_identity(unit.session, msg.channel, msg.user_id)
        conversation = await engine_store.get_conversation(unit.session, msg.channel, msg.chat_id)
        state = conversation.state if conversation else None
        if staff is None:
            await self._stranger(unit, state)
        elif not staff.active:
            unit.reply(Reply(text=texts.people.revoked(self.settings.address)))
        elif msg.kind == "choice" and review_notices.parse_token(msg.choice):
            await self._review_button(unit, staff, state)  # "Sửa ngay", "Mở để duyệt": in any state
        elif msg.kind == "command":
            await self._command(unit, staff, state)
        elif state is not None:
            await self._continue(unit, staff, state)
        elif msg.kind == "choice":
            unit.reply(Reply(text=texts.common.QUESTION_CLOSED))  # a tap on a keyboard of a finished form
        elif msg.kind == "unsupported":
            unit.reply(Reply(text=msg.problem or texts.people.UNSUPPORTED))
        else:
            unit.reply(Reply(text=texts.people.NO_FLOW_HINT))

    async def _stranger(self, unit: Unit, state: dict | None) -> None:
        """Someone not registered on this channel: /start CODE, the registration form, or a refusal."""
        msg = unit.incoming
        if msg.kind == "command" and msg.command in PRIVACY_COMMANDS:
            await privacy.show(unit, None, state, self.notice, self._save_state)
            return
        if msg.kind == "command" and msg.command == "start":
            invite = await people_handlers.start(unit, self.limiter)
            if invite is not None:
                await registration.ask(unit, self.notice, invite.id, invite.name, self._save_state)
        elif state is not None and state.get("flow") == registration.FLOW:
            await registration.answer(unit, self.notice, state, self._save_state)
        else:
            log.info("refused %s user %s (not registered)", msg.channel, msg.user_id)
            unit.reply(Reply(text=texts.people.refusal(self._department())))
            return
        staff = await people.staff_by_identity(unit.session, msg.channel, msg.user_id)
        if staff is not None:  # just registered or linked: their commands appear in the menu
            unit.reply(self.menu_reply(staff))

    # --- commands ---------------------------------------------------------------------------------

    async def _command(self, unit: Unit, staff: Staff, state: dict | None) -> None:
        name = unit.incoming.command
        if state is not None and state.get("kind") == privacy.KIND and name not in CANCEL_COMMANDS | PRIVACY_COMMANDS:
            await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
            state = None  # another command: the request not yet sent is dropped
        if state is not None and state.get("kind") in REVIEW_KINDS and name not in CANCEL_COMMANDS:
            await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
            state = None  # another command: the open card (or the "Sửa ngay" offer) is left
        if name in CANCEL_COMMANDS:
            await self._cancel(unit, state)
        elif name in PRIVACY_COMMANDS:
            await privacy.show(unit, staff, state, self.notice, self._save_state)
        elif name in HELP_COMMANDS:
            unit.reply(Reply(text=self.help_text(staff, state)))
        elif name == "start":
            unit.reply(Reply(text=texts.people.ALREADY_REGISTERED.format(name=staff.name)))
        else:
            await self._run_command(unit, staff, state, name)

    async def _run_command(self, unit: Unit, staff: Staff, state: dict | None, name: str) -> None:
        command = self.commands.find(name)
        if command is None:
            unit.reply(Reply(text=texts.people.UNKNOWN_COMMAND.format(command=name)))
        elif not command.allowed(staff):
            roles = people_handlers.role_names(command.roles)
            unit.reply(Reply(text=texts.people.not_allowed(name, roles, self.settings.address)))
        elif state is not None and state.get("kind") == "flow" and not command.keeps_draft:
            await self._ask_abandon(unit, state, command)
        else:
            await self._run(unit, staff, command)

    async def _run(self, unit: Unit, staff: Staff, command: Command) -> None:
        """A command answers through the unit, or returns the form to open."""
        opened = await command.handler(unit, staff, self.services)
        if opened is not None:
            await self.start_form(unit, staff, opened)

    async def is_staff(self, channel: str, user_id: str) -> bool:
        """Whether this account belongs to an active staff member (a stranger's photos are not kept)."""
        async with self.services.db.read() as session:
            staff = await people.staff_by_identity(session, channel, user_id)
        return staff is not None and staff.active

    async def commands_for(self, channel: str, user_id: str) -> list[tuple[str, str]]:
        """The command menu of one account (Telegram shows it per chat): its roles' commands only."""
        async with self.services.db.read() as session:
            staff = await people.staff_by_identity(session, channel, user_id)
        return self.menu(staff)

    @property
    def notice(self) -> texts.privacy.NoticeFacts:
        """The personal-data notice's facts, from the configuration the services carry."""
        config = getattr(self.settings.services, "config", None)
        return registration.notice_facts(config, self.settings.address)

    def _department(self) -> str:
        """The department as a stranger's refusal names it: [organisation] department_name."""
        config = getattr(self.settings.services, "config", None)
        return (config.organisation.get("department_name") if config else "") or texts.privacy.DEFAULT_DEPARTMENT

    def menu(self, staff: Staff | None) -> list[tuple[str, str]]:
        if staff is None or not staff.active:
            return [("start", texts.people.MENU_START)]
        items = [(c.name, c.description) for c in self.commands.for_staff(staff)]
        return [*items, ("help", texts.people.MENU_HELP), ("quyenriengtu", texts.privacy.COMMAND_DESCRIPTION),
                ("huy", texts.people.MENU_CANCEL)]

    def menu_reply(self, staff: Staff | None) -> Reply:
        """A reply that sets the person's command menu where the channel has one (Telegram)."""
        return Reply(kind="menu", choices=tuple(Choice(name, text) for name, text in self.menu(staff)))

    def help_text(self, staff: Staff, state: dict | None = None) -> str:
        """The person's commands; a half-filled form is mentioned only when there is one."""
        lines = [texts.people.HELP_HEADER]
        for command in self.commands.for_staff(staff):
            alias = f" (/{command.aliases[0]})" if command.aliases else ""
            lines.append(f"/{command.name}{alias} — {command.description}")
        lines.append(f"/quyenriengtu — {texts.privacy.COMMAND_DESCRIPTION}")
        lines.append(f"/huy (/cancel) — {texts.people.MENU_CANCEL}")
        if state is not None and state.get("kind") == "flow":
            flow = self.services.flows.get(state.get("flow"))
            lines += ["", texts.people.help_footer(flow.title if flow else texts.people.A_FORM)]
        return "\n".join(lines)

    async def _cancel(self, unit: Unit, state: dict | None) -> None:
        msg = unit.incoming
        if state is None:
            unit.reply(Reply(text=texts.people.NOTHING_TO_CANCEL))
            return
        await engine_store.clear_conversation(unit.session, msg.channel, msg.chat_id)
        unit.reply(Reply(text=texts.people.CANCELLED))

    async def _ask_abandon(self, unit: Unit, state: dict, command: Command) -> None:
        """Another command mid-form: keep the draft until the person says to drop it. The question gets
        a token of its own, so a tap on an older copy of it is recognised as old."""
        token = f"{state['state'].get('token', '')}.a"
        prompt = texts.people.ABANDON_DRAFT.format(title=self._flow(state).title, command=command.name)
        pending = {"command": command.name, "text": unit.incoming.text, "token": token, "prompt": prompt}
        why = texts.people.abandon_first(command.name) if "pending" in state else ""  # typed at this question
        await self._save_state(unit, dict(state, pending=pending))
        unit.reply(Reply(
            text=f"{why}\n{prompt}" if why else prompt,
            choices=(Choice(f"{token}|abandon", texts.people.ABANDON_YES), Choice(f"{token}|keep", texts.people.ABANDON_NO)),
            token=token,
        ))

    async def _review_button(self, unit: Unit, staff: Staff, state: dict | None) -> None:
        """A tap on a review notice's button: "Sửa ngay" runs /suangay, "Mở để duyệt" /duyet, for that
        record — with the usual role check, and a half-filled form is asked about first."""
        prefix, kind, record_id = review_notices.parse_token(unit.incoming.choice)
        name = review_notices.FIX_COMMAND if prefix == review_notices.FIX else review_chat.COMMAND
        unit.incoming = _with_text(unit.incoming, f"{kind}:{record_id}")
        await self._run_command(unit, staff, state, name)

    # --- forms ------------------------------------------------------------------------------------

    def _flow(self, state: dict) -> Flow:
        return self.services.flows[state["flow"]]

    def flow_context(self, unit: Unit, staff: Staff) -> FlowContext:
        services = self.services
        return FlowContext(
            session=unit.session,
            staff=staff,
            today=unit.now.astimezone(self.settings.zone).date(),  # local, never the UTC date
            now=unit.now,
            incoming=unit.incoming,
            settings=services,
            catalogue=getattr(services, "catalogue", None),
            notify=unit.notify,
        )

    async def start_form(self, unit: Unit, staff: Staff, start: StartForm) -> None:
        flow = self.services.flows[start.name]
        context = self.flow_context(unit, staff)
        step = await flows.start(flow, context, start.text, answers=start.answers, notice=start.notice, edit=start.edit)
        await self._apply(unit, flow, step, staff)

    async def _continue(self, unit: Unit, staff: Staff, state: dict) -> None:
        if state.get("kind") == privacy.KIND:  # a request through /quyenriengtu
            await privacy.answer(unit, staff, state, self.notice, self.settings, self._save_state)
            return
        if state.get("kind") == review_chat.KIND:  # /duyet's card
            await review_chat.answer(unit, staff, state, self.services)
            return
        if state.get("kind") == review_notices.OFFER:  # "1. Sửa ngay" after a return
            opened = await review_fix.answer_offer(unit, staff, state, self.services)
            if opened is not None:
                await self.start_form(unit, staff, opened)
            return
        if state.get("flow") not in self.services.flows:  # e.g. a registration finished elsewhere
            await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
            unit.reply(Reply(text=texts.people.NO_FLOW_HINT))
            return
        if fold(unit.incoming.text) in CANCEL_WORDS and unit.incoming.kind == "text":
            await self._cancel(unit, state)
            return
        if "pending" in state:
            await self._answer_abandon(unit, staff, state)
            return
        flow = self._flow(state)
        step = await flows.handle(flow, state["state"], self.flow_context(unit, staff))
        await self._apply(unit, flow, step, staff)

    async def _answer_abandon(self, unit: Unit, staff: Staff, state: dict) -> None:
        pending = state["pending"]
        answer = fold(unit.incoming.text)
        if unit.incoming.kind == "choice":
            token, answer = flows.split_choice(unit.incoming.choice)
            if token != pending.get("token"):
                unit.reply(Reply(text=texts.common.QUESTION_CLOSED))
                return
            if answer in {"abandon", "keep"}:  # show the answer under the question, buttons gone
                label = texts.people.ABANDON_YES if answer == "abandon" else texts.people.ABANDON_NO
                unit.reply(Reply(kind="edit", text=f"{pending['prompt']}\n→ {label}", token=token))
        if answer in {"abandon", "1", "bo ban nhap", "co", "yes"}:
            await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
            command = self.commands.find(pending["command"])
            unit.incoming = _with_text(unit.incoming, pending["text"])
            await self._run(unit, staff, command)
        elif answer in {"keep", "2", "tiep tuc nhap", "tiep tuc", "khong", "no"}:
            state = {k: v for k, v in state.items() if k != "pending"}
            await self._save_state(unit, state)
            unit.replies.extend(flows.resume(state["state"]).replies)
        else:
            unit.reply(Reply(text=texts.people.ANSWER_ABANDON))

    async def _apply(self, unit: Unit, flow: Flow, step: flows.Step, staff: Staff | None = None, **extra) -> None:
        unit.replies.extend(step.replies)
        if step.state is None:
            await engine_store.clear_conversation(unit.session, unit.incoming.channel, unit.incoming.chat_id)
        else:
            await self._save_state(unit, {"kind": "flow", "flow": flow.name, "state": step.state, **extra})
        if step.then is not None and staff is not None:  # a save handed over to another form
            await self.start_form(unit, staff, step.then)

    async def _save_state(self, unit: Unit, state: dict) -> None:
        msg = unit.incoming
        expires = unit.now + self.settings.draft_idle
        await engine_store.put_conversation(unit.session, msg.channel, msg.chat_id, state, unit.now, expires)

    # --- timed --------------------------------------------------------------------------------------

    async def expire_drafts(self, session, now: dt.datetime) -> list[tuple[str, str, Reply]]:
        """Drafts idle past the configured time are dropped, with a message saying so."""
        out = []
        minutes = int(self.settings.draft_idle.total_seconds() // 60)
        for channel, chat_id in await engine_store.expired_conversations(session, now):
            conversation = await engine_store.get_conversation(session, channel, chat_id)
            await engine_store.clear_conversation(session, channel, chat_id)
            state = conversation.state if conversation else {}
            if state.get("kind") == "flow" and state.get("flow") in self.services.flows:
                flow = self._flow(state)
                text = texts.people.DRAFT_EXPIRED.format(title=flow.title, minutes=minutes, command=flow.command)
                out.append((channel, chat_id, Reply(text=text)))
        return out


def _with_text(incoming, text: str):
    from dataclasses import replace

    return replace(incoming, text=text)

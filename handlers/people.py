"""Registration by invitation, linking a second channel, and the admin's staff list.

Registration: `/start CODE` with a valid invitation shows what personal data the bot keeps and why;
the person agrees (1) or not (2). A link code (made by /lienket on the other channel) attaches this
account to the same staff member at once. Anyone else gets one polite refusal and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass

import texts
from bot.engine import Unit
from bot.messages import Incoming, Reply
from storage import engine_store, people
from storage import review as reviews
from storage.domain import ROLES, Conflict, Identity, Invite, Staff
from storage.text import clean_line, fold

log = logging.getLogger(__name__)

LINK_MINUTES = 15


@dataclass(frozen=True)
class CodeLimiter:
    """Wrong invitation codes: at most `per_account` by one account in `window` seconds, `per_channel`
    from one channel and `total` in all per `hour`. Past a limit the code is not even looked at. Kept in
    the database (code_tries, for an hour, accounts as hashes), so the limits hold across accounts and
    restarts; a stranger leaves nothing else there but a log line."""

    per_account: int = 5
    window: float = 900.0
    per_channel: int = 20
    total: int = 30
    hour: float = 3600.0

    @classmethod
    def of(cls, limits) -> CodeLimiter:
        """The limits config.toml's [invitations] sets (bot/config_sections.InvitationsConfig)."""
        return cls(per_account=limits.wrong_codes_per_account, window=limits.wrong_codes_account_minutes * 60.0,
                   per_channel=limits.wrong_codes_per_channel, total=limits.wrong_codes_per_hour)

    async def blocked(self, session, channel: str, user_id: str, now: dt.datetime) -> int | None:
        """Minutes to wait when a limit is reached, else None."""
        account, from_channel, everyone = await people.code_tries(
            session, channel, user_id, account_since=now - dt.timedelta(seconds=self.window),
            since=now - dt.timedelta(seconds=self.hour))
        if from_channel >= self.per_channel or everyone >= self.total:
            log.warning("invitation codes: %d wrong from %s, %d in all in the last hour; codes refused for now",
                        from_channel, channel, everyone)
            return int(self.hour // 60)
        return int(self.window // 60) if account >= self.per_account else None

    async def failed(self, session, channel: str, user_id: str, now: dt.datetime) -> None:
        await people.add_code_try(session, channel, user_id, now, keep=dt.timedelta(seconds=max(self.hour, self.window)))


role_names = texts.people.role_names

# A role as typed: its key ("inspector"), its Vietnamese name or a word people also use for it
# (texts.people.ROLE_SYNONYMS), with or without diacritics, in any case: /moi, /nhansu, the command line
# (`admin invite --role`) and staff.csv read it alike.
_ROLE_WORDS = {
    **{fold(word): key for key, words in texts.people.ROLE_SYNONYMS.items() for word in words},
    **{fold(name): key for key, name in texts.people.ROLE_NAMES.items()},
    **{key: key for key in ROLES},
}
_ROLE_WORDS_MAX = max(len(words.split()) for words in _ROLE_WORDS)


def role_of(typed: str) -> str | None:
    """The role key of what was typed ("Kiểm tra viên", "ky thuat vien", "VĂN THƯ", "clerk"), else None."""
    return _ROLE_WORDS.get(" ".join(fold(typed).split()))


def roles_in(text: str) -> tuple[set[str], list[str]]:
    """`/nhansu 2 vaitro công chức kiểm tra, clerk`: the roles named, and what named none."""
    parts = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    return {r for r in map(role_of, parts) if r}, [part for part in parts if role_of(part) is None]


def leading_roles(text: str) -> tuple[set[str], str, bool]:
    """`/moi công chức kiểm tra, văn thư Nguyễn Văn B`: the roles at the start, the rest (the person's
    name), and whether the roles read well — False when nothing starts with a role, or a comma promises
    another role that is not one (the rest then starts where that role was wanted)."""
    words = re.sub(r"\s*[,;]\s*", ", ", text.strip()).split()
    roles: set[str] = set()
    while words:
        for size in range(min(_ROLE_WORDS_MAX, len(words)), 0, -1):
            head = " ".join(words[:size])
            role = role_of(head.rstrip(",")) if "," not in head.rstrip(",") else None
            if role:
                roles.add(role)
                words = words[size:]
                break
        else:
            return roles, " ".join(words), False
        if not head.endswith(","):
            break
    return roles, " ".join(words), True


def _identity(unit: Unit) -> Identity:
    msg = unit.incoming
    return Identity(msg.channel, msg.user_id, msg.chat_id, msg.display_name)


def mask_codes(incoming: Incoming) -> Incoming:
    """The engine's `mask`: `/start CODE` enters the inbox with the code's hash instead of the code, so a
    copy of the database cannot register anyone (the hash is all `start` needs to find the invite)."""
    if incoming.kind != "command" or incoming.command != "start" or not incoming.text.strip():
        return incoming
    return dataclasses.replace(incoming, text=people.masked_code(incoming.text.strip()))


async def start(unit: Unit, limiter: CodeLimiter) -> Invite | None:
    """Handles /start CODE from someone not yet registered on this channel. Returns the invitation
    when the person must now agree to the privacy notice (the registration form)."""
    msg, session = unit.incoming, unit.session
    code = msg.text.strip()
    if not code:
        unit.reply(Reply(text=texts.people.START_NEEDS_CODE))
        return None
    wait = await limiter.blocked(session, msg.channel, msg.user_id, unit.now)
    if wait is not None:
        unit.reply(Reply(text=texts.people.TOO_MANY_TRIES.format(minutes=wait)))
        return None
    invite = await people.find_usable_invite(session, code, unit.now)
    if invite is None:
        await limiter.failed(session, msg.channel, msg.user_id, unit.now)
        log.info("wrong invite code from %s user %s", msg.channel, msg.user_id)
        unit.reply(Reply(text=texts.people.BAD_CODE))
        return None
    if invite.staff_id is not None:
        await _link(unit, invite.id, invite.staff_id)
        return None
    return invite


async def _link(unit: Unit, invite_id: int, staff_id: int) -> None:
    session = unit.session
    try:
        await people.add_identity(session, staff_id, _identity(unit), unit.now)
    except Conflict:
        unit.reply(Reply(text=texts.people.ACCOUNT_TAKEN))
        return
    await people.mark_invite_used(session, invite_id, staff_id, unit.now)
    staff = await people.get_staff(session, staff_id)
    await engine_store.audit(
        session, staff_id=staff_id, action="link", entity="staff", entity_id=staff_id,
        after={"channel": unit.incoming.channel, "user_id": unit.incoming.user_id}, now=unit.now,
    )
    unit.reply(Reply(text=texts.people.LINKED.format(
        channel=texts.people.CHANNEL_NAMES.get(unit.incoming.channel, unit.incoming.channel),
        name=staff.name, roles=role_names(staff.roles),
    )))


async def link_code(unit: Unit, staff: Staff, system: str = texts.people.DEFAULT_SYSTEM_NAME) -> None:
    """/lienket: a one-time code to enter on the other app."""
    code, _ = await people.create_invite(
        unit.session, name=staff.name, roles=(), now=unit.now,
        valid_for=dt.timedelta(minutes=LINK_MINUTES), created_by=staff.id, staff_id=staff.id,
    )
    other = "Zalo" if unit.incoming.channel == "telegram" else "Telegram"
    unit.reply(Reply(text=texts.people.LINK_CODE.format(code=code, other=other, minutes=LINK_MINUTES, system=system), secret=code))


async def invite_command(unit: Unit, admin: Staff, invite_days: int,
                         system: str = texts.people.DEFAULT_SYSTEM_NAME) -> None:
    """/moi ROLES NAME — an invitation code, as `main.py admin invite` makes one."""
    roles, rest, read = leading_roles(unit.incoming.text)
    name = clean_line(rest)
    if not read:
        unit.reply(Reply(text=texts.people.invite_bad_role(name)))
        return
    if not roles or not name:
        unit.reply(Reply(text=texts.people.INVITE_USAGE.format(known=texts.people.known_roles())))
        return
    code, invite = await people.create_invite(unit.session, name=name, roles=sorted(roles), now=unit.now,
                                              valid_for=dt.timedelta(days=invite_days), created_by=admin.id)
    await engine_store.audit(unit.session, staff_id=admin.id, action="invite", entity="invite",
                             entity_id=invite.id, after={"roles": sorted(roles)}, now=unit.now)
    expires = invite.expires_at.astimezone(unit.clock.zone).strftime("%d/%m/%Y")
    unit.reply(Reply(text=texts.people.INVITE_CREATED.format(name=name, roles=role_names(roles), expires=expires, code=code,
                                                                 system=system)))


async def staff_command(unit: Unit, staff: Staff, menu_for) -> None:
    """/nhansu — list everyone; `/nhansu N vaitro a, b` (keys or Vietnamese names), `/nhansu N thuhoi`,
    `/nhansu N khoiphuc`."""
    everyone = await people.list_staff(unit.session)
    args = unit.incoming.text.split()
    if not args:
        scopes = {s.id: await reviews.reviewer_kinds(unit.session, s.id) for s in everyone if "reviewer" in s.roles}
        unit.reply(Reply(text=_staff_list(everyone, scopes) + "\n\n" + texts.people.STAFF_USAGE))
        return
    if not args[0].isdecimal() or not 1 <= int(args[0]) <= len(everyone):
        unit.reply(Reply(text=texts.people.STAFF_BAD_NUMBER.format(n=args[0])))
        return
    target = everyone[int(args[0]) - 1]
    action = fold(args[1]) if len(args) > 1 else ""
    if action in {"vaitro", "roles"} and len(args) > 2:
        await _set_roles(unit, staff, target, " ".join(args[2:]))
    elif action in {"thuhoi", "revoke"}:
        await _set_active(unit, staff, target, False)
    elif action in {"khoiphuc", "restore"}:
        await _set_active(unit, staff, target, True)
    elif action in {"duyet", "review"}:
        await _set_reviewer(unit, staff, target, " ".join(args[2:]))
    else:
        unit.reply(Reply(text=texts.people.STAFF_USAGE))
        return
    updated = await people.get_staff(unit.session, target.id)
    for identity in updated.identities:  # the person's menus follow their new roles
        unit.notify(identity.channel, identity.chat_id, menu_for(updated))


def _roles_shown(member: Staff, scope: frozenset[str]) -> str:
    """Their roles in Vietnamese; a reviewer limited to some kinds says which: "người duyệt (kiểm tra)"."""
    shown = role_names(member.roles)
    if scope:
        name = texts.people.ROLE_NAMES["reviewer"]
        shown = shown.replace(name, f"{name} ({texts.review.kinds_phrase(scope)})")
    return shown


def _staff_list(everyone: list[Staff], scopes: dict[int, frozenset[str]] | None = None) -> str:
    lines = [texts.people.STAFF_LIST_HEADER.format(count=len(everyone))]
    for n, s in enumerate(everyone, 1):
        channels = ", ".join(sorted({texts.people.CHANNEL_NAMES.get(i.channel, i.channel) for i in s.identities})) or "—"
        lines.append(texts.people.STAFF_LINE.format(
            n=n, name=s.name, roles=_roles_shown(s, (scopes or {}).get(s.id, frozenset())),
            inactive="" if s.active else texts.people.STAFF_INACTIVE, channels=channels,
        ))
    return "\n".join(lines)


async def _set_roles(unit: Unit, admin: Staff, target: Staff, raw: str) -> None:
    roles, unknown = roles_in(raw)
    if unknown or not roles:
        known = texts.people.known_roles()
        unit.reply(Reply(text=texts.people.STAFF_BAD_ROLE.format(roles=", ".join(unknown) or "—", known=known)))
        return
    if target.id == admin.id and "admin" not in roles:
        unit.reply(Reply(text=texts.people.STAFF_SELF))
        return
    updated = await people.set_roles(unit.session, target.id, roles)
    await engine_store.audit(
        unit.session, staff_id=admin.id, action="roles", entity="staff", entity_id=target.id,
        before={"roles": sorted(target.roles)}, after={"roles": sorted(updated.roles)}, now=unit.now,
    )
    unit.reply(Reply(text=texts.people.STAFF_ROLES_SET.format(name=target.name, roles=role_names(updated.roles))))


def review_kinds(text: str) -> tuple[set[str], list[str]]:
    """`/nhansu 2 duyet kiểm tra, kiểm định`: the kinds of record named (none: every kind), and what named none."""
    words = {fold(w): key for key, names in texts.review.KIND_SYNONYMS.items() for w in names}
    words |= {fold(name): key for key, name in texts.review.KIND_NAMES.items()} | {key: key for key in words.values()}
    parts = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    if not parts or fold(parts[0]) in {fold(w) for w in texts.review.ALL_WORDS}:
        return set(), []
    return {words[fold(p)] for p in parts if fold(p) in words}, [p for p in parts if fold(p) not in words]


async def _set_reviewer(unit: Unit, admin: Staff, target: Staff, raw: str) -> None:
    """The reviewer role, limited to the kinds named (audited: the roles, then the kinds)."""
    kinds, unknown = review_kinds(raw)
    if unknown:
        unit.reply(Reply(text=texts.review.SCOPE_BAD.format(words=", ".join(unknown), known=texts.review.known_kinds())))
        return
    if "reviewer" not in target.roles:
        updated = await people.set_roles(unit.session, target.id, {*target.roles, "reviewer"})
        await engine_store.audit(
            unit.session, staff_id=admin.id, action="roles", entity="staff", entity_id=target.id,
            before={"roles": sorted(target.roles)}, after={"roles": sorted(updated.roles)}, now=unit.now,
        )
    await reviews.set_reviewer_kinds(unit.session, target.id, kinds, by=admin.id, now=unit.now)
    unit.reply(Reply(text=texts.review.SCOPE_SET.format(name=target.name, kinds=texts.review.kinds_phrase(kinds))))


async def _set_active(unit: Unit, admin: Staff, target: Staff, active: bool) -> None:
    if target.id == admin.id and not active:
        unit.reply(Reply(text=texts.people.STAFF_SELF))
        return
    await people.set_active(unit.session, target.id, active)
    await engine_store.audit(
        unit.session, staff_id=admin.id, action="restore" if active else "revoke", entity="staff",
        entity_id=target.id, before={"active": target.active}, after={"active": active}, now=unit.now,
    )
    template = texts.people.STAFF_RESTORED if active else texts.people.STAFF_REVOKED
    unit.reply(Reply(text=template.format(name=target.name)))

"""Property: random message sequences through the real engine and router against a sample flow.

No crash, no message that fails with an unhandled error, every message answered, drafts always
consistent (JSON state of a known flow, or none), and saved records always meet the form's rules.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.engine import Engine
from bot.form import Flow, Question, StartForm, Suggestion
from bot.messages import Incoming, Location
from handlers.commands import Command, CommandTable
from handlers.router import Router, RouterSettings
from storage import engine_store, people
from storage.db import open_database
from storage.domain import Identity
from storage.migrate import upgrade
from storage.models import AuditRow, ConversationRow, InboxRow, OutboxRow
from tests.conftest import ZONE, examples, frozen
from tests.kit import RecordingSender


def _rejected_ok(value, answers):
    return None if value <= answers["verified"] else "Số loại bỏ không được lớn hơn số kiểm định."


def _certs_ok(value, answers):
    return None if value <= answers["verified"] - answers["rejected"] else "Quá số đạt."


async def _save(ctx, answers) -> str:
    await engine_store.audit(
        ctx.session, staff_id=ctx.staff.id, action="sample", entity="batch", now=ctx.now,
        after={"verified": answers["verified"], "rejected": answers["rejected"], "certs": answers["certs"]},
    )
    return "Đã lưu."


SAMPLE = Flow(
    name="mau",
    title="Lô mẫu",
    command="mau",
    save=_save,
    questions=(
        Question("day", "date", "Ngày?", default=lambda ctx, a: Suggestion(ctx.today, "Hôm nay")),
        Question("verified", "integer", "Số kiểm định?"),
        Question("rejected", "integer", "Số loại bỏ?", validate=_rejected_ok),
        Question("certs", "integer", "Số giấy chứng nhận?", validate=_certs_ok,
                 default=lambda ctx, a: a["verified"] - a["rejected"]),
        Question("customer", "text", "Khách hàng?", optional=True),
    ),
)


class Services:
    flows = {"mau": SAMPLE}
    catalogue = None


async def _start_sample(unit, staff, services):
    return StartForm("mau", unit.incoming.text)


WORDS = ["1", "2", "0", "5", "12", "abc", "-3", "1.5", "ok", "có", "không", "quay lại", "bỏ qua", "hủy",
         "xong", "hôm qua", "13/1", "31/02/2023", "xác nhận", "sửa", "", "🙂", "x" * 600]
COMMANDS = ["/mau", "/mau 5 1 4", "/help", "/huy", "/cancel", "/kiemtra", "/start ABC"]

message_spec = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(WORDS) | st.text(max_size=20)),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("choice"), st.sampled_from(["confirm", "edit", "cancel", "x|y", "1", "<", "="])),
    st.tuples(st.just("photo"), st.just("")),
    st.tuples(st.just("location"), st.just("")),
    st.tuples(st.just("sticker"), st.just("")),
)


def _incoming(n: int, spec, token: str) -> Incoming:
    kind, value = spec
    base = {"channel": "console", "chat_id": "c1", "user_id": "u1", "event_key": f"e{n}"}
    if kind == "command":
        head, _, rest = value[1:].partition(" ")
        return Incoming(**base, kind="command", command=head, text=rest)
    if kind == "choice":
        return Incoming(**base, kind="choice", choice=value if "|" in value else f"{token}|{value}")
    if kind == "photo":
        return Incoming(**base, kind="photo", photo_path=f"/tmp/p{n}.jpg")
    if kind == "location":
        return Incoming(**base, kind="location", location=Location(20.65, 106.05))
    return Incoming(**base, kind=kind, text=value)


async def _run(specs) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 't.sqlite3'}")
        await upgrade(db.engine)
        clock = frozen("2023-01-13 23:30")
        async with db.unit_of_work() as s:
            staff = await people.create_staff(s, "Kỹ thuật viên", ["technician"], clock.now())
            await people.add_identity(s, staff.id, Identity("console", "u1", "c1"), clock.now())
        commands = CommandTable([Command("mau", (), frozenset({"technician"}), "mẫu", _start_sample)])
        router = Router(commands, RouterSettings(dt.timedelta(hours=2), ZONE, Services()))
        engine = Engine(db, router, clock)
        engine.senders["console"] = RecordingSender()
        for n, spec in enumerate(specs):
            async with db.read() as s:
                conv = await engine_store.get_conversation(s, "console", "c1")
            token = conv.state.get("state", {}).get("token", "") if conv else ""
            await engine.accept(_incoming(n, spec, token))
            await engine.run_until_idle()
        saved = await _check(db, len(specs))
        await db.close()
        return saved


async def _check(db, count: int) -> int:
    async with db.read() as s:
        statuses = (await s.scalars(select(InboxRow.status))).all()
        assert statuses.count("done") == count, statuses  # none failed with an unhandled error
        answered = set((await s.scalars(select(OutboxRow.inbox_id))).all())
        assert len(answered) == count  # every message got at least one reply
        for state in (await s.scalars(select(ConversationRow.state))).all():
            assert state["kind"] == "flow" and state["flow"] == "mau"
            assert state["state"]["flow"] == "mau" and "token" in state["state"]
        for row in (await s.scalars(select(AuditRow).where(AuditRow.action == "sample"))).all():
            a = row.after
            assert 0 <= a["rejected"] <= a["verified"] and 0 <= a["certs"] <= a["verified"] - a["rejected"]
        return len((await s.scalars(select(AuditRow.id).where(AuditRow.action == "sample"))).all())


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(message_spec, min_size=1, max_size=25))
def test_random_message_sequences_keep_engine_and_drafts_consistent(specs):
    asyncio.run(_run(specs))


def test_a_typical_sequence_saves_one_valid_record():
    specs = [("command", "/mau"), ("text", "ok"), ("text", "10"), ("text", "2"), ("text", "ok"),
             ("text", "bỏ qua"), ("choice", "confirm"), ("choice", "confirm")]
    assert asyncio.run(_run(specs)) == 1  # the double tap on "Xác nhận" saves once

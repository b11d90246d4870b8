"""Retention sweeps on both backends: old bodies redacted (rows stay), strangers deleted after a day,
orphan photos deleted, referenced ones kept; the sweeper works at most once an hour."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import select, update

from bot.config import load_config
from storage import engine_store, people
from storage.domain import Identity
from storage.models import ConversationRow, InboxRow, OutboxRow
from storage.retention import Retention, sweep, sweeper
from tests.conftest import REPO

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
POLICY = Retention(message_days=30, stranger_hours=24, orphan_media_days=7)


async def _message(session, chat: str, key: str, age: dt.timedelta, *, pending: bool = False) -> None:
    at = NOW - age
    await engine_store.add_to_inbox(session, channel="zalo", event_key=key, chat_id=chat, now=at, payload={
        "channel": "zalo", "chat_id": chat, "user_id": chat, "event_key": key, "kind": "text",
        "text": f"nội dung {key}", "display_name": "Nguyễn Thị Riêng"})
    if not pending:
        item = await engine_store.next_pending(session, "zalo", chat)
        await engine_store.mark_processed(session, item.id, at)
        await engine_store.queue_reply(session, channel="zalo", chat_id=chat, now=at, inbox_id=item.id,
                                       payload={"kind": "text", "text": f"trả lời {key}", "choices": []})


async def _rows(db):
    async with db.read() as session:
        inbox = {r.event_key: r.payload for r in await session.scalars(select(InboxRow))}
        outbox = [(r.chat_id, r.payload["text"]) for r in await session.scalars(select(OutboxRow))]
        chats = [r.chat_id for r in await session.scalars(select(ConversationRow))]
    return inbox, outbox, chats


async def test_bodies_redacted_strangers_deleted_photos_of_records_kept(db, tmp_path):
    async with db.unit_of_work() as session:
        staff = await people.create_staff(session, "Lê Kỹ Thuật", {"technician"}, NOW - dt.timedelta(days=90))
        await people.add_identity(session, staff.id, Identity("zalo", "staff", "staff", "Lê"), NOW)
        await _message(session, "staff", "old", dt.timedelta(days=31))
        await _message(session, "staff", "new", dt.timedelta(days=29))
        await _message(session, "staff", "waiting", dt.timedelta(days=40), pending=True)
        await _message(session, "stranger", "s-old", dt.timedelta(hours=25))
        await _message(session, "stranger", "s-new", dt.timedelta(hours=23))
        session.add(ConversationRow(channel="zalo", chat_id="stranger", version=1, state={"flow": "registration"},
                                    updated_at=NOW - dt.timedelta(days=2)))
        await session.execute(update(OutboxRow).values(status="sent"))  # delivered
    media = tmp_path / "media"
    media.mkdir()
    month_ago = (NOW - dt.timedelta(days=30)).timestamp()
    for name in ("orphan-old.jpg", "in-draft.jpg"):
        (media / name).write_bytes(b"\xff\xd8")
        os.utime(media / name, (month_ago, month_ago))
    (media / "orphan-new.jpg").write_bytes(b"\xff\xd8")
    os.utime(media / "orphan-new.jpg", ((NOW - dt.timedelta(days=1)).timestamp(),) * 2)
    async with db.unit_of_work() as session:
        session.add(ConversationRow(channel="zalo", chat_id="staff", version=1, updated_at=NOW,
                                    state={"flow": "inspection", "answers": {"_photos": [str(media / "in-draft.jpg")]}}))

    async with db.unit_of_work() as session:
        result = await sweep(session, NOW, POLICY, media)
    inbox, outbox, chats = await _rows(db)

    assert inbox["old"]["text"] == "" and inbox["old"]["display_name"] == "" and inbox["old"]["redacted"]
    assert inbox["new"]["text"] == "nội dung new" and inbox["waiting"]["text"] == "nội dung waiting"
    assert "s-old" not in inbox and inbox["s-new"]["text"] == "nội dung s-new"
    assert sorted(outbox) == [("staff", ""), ("staff", "trả lời new"), ("stranger", "trả lời s-new")]
    assert chats == ["staff"]
    assert sorted(p.name for p in media.iterdir()) == ["in-draft.jpg", "orphan-new.jpg"]
    assert (result.redacted, result.media) == (2, 1) and result.deleted >= 2

    async with db.unit_of_work() as session:  # a second sweep finds nothing more to do
        again = await sweep(session, NOW, POLICY, media)
    assert (again.redacted, again.deleted, again.media) == (0, 0, 0)


async def test_the_sweeper_works_at_most_once_an_hour(sqlite_db):
    run = sweeper(Retention(message_days=1), None)
    async with sqlite_db.unit_of_work() as session:
        await _message(session, "staff", "a", dt.timedelta(days=2))
        await people.add_identity(session, (await people.create_staff(session, "A", {"clerk"}, NOW)).id,
                                  Identity("zalo", "staff", "staff", "A"), NOW)
    async with sqlite_db.unit_of_work() as session:
        await run(session, NOW - dt.timedelta(minutes=30))  # the first sweep: before "a" was a day old
        await _message(session, "staff", "b", dt.timedelta(days=2))
    async with sqlite_db.unit_of_work() as session:
        await run(session, NOW)  # 30 minutes later: not yet
    assert (await _rows(sqlite_db))[0]["b"]["text"] == "nội dung b"
    async with sqlite_db.unit_of_work() as session:
        await run(session, NOW + dt.timedelta(minutes=31))
    assert (await _rows(sqlite_db))[0]["b"]["text"] == ""


def test_config_documents_each_period(tmp_path):
    config = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path)})
    assert config.retention == Retention(30, 24, 7, 24)
    section = (REPO / "config.toml").read_text().split("[retention]")[1].split("\n[")[0]
    for key in ("message_days", "stranger_hours", "orphan_media_days", "document_hours"):
        before = section.split(f"\n{key} =")[0].rstrip().splitlines()[-1]
        assert before.startswith("#") and len(before) > 20, key  # a comment right above, saying why


async def test_old_documents_go_unless_a_reply_or_a_live_link_needs_them(db, tmp_path):
    from storage import links_store

    docs = tmp_path / "documents"
    docs.mkdir()
    two_days = (NOW - dt.timedelta(days=2)).timestamp()
    for name in ("delivered.docx", "waiting.docx", "linked.docx", "fresh.xlsx"):
        (docs / name).write_bytes(b"PK")
        if name != "fresh.xlsx":
            os.utime(docs / name, (two_days, two_days))
    async with db.unit_of_work() as session:
        await engine_store.queue_reply(session, channel="telegram", chat_id="1", now=NOW, inbox_id=None, payload={
            "kind": "document", "document_path": str(docs / "waiting.docx"), "text": ""})
        await links_store.add_link(session, token_hash="h" * 64, path=str(docs / "linked.docx"), filename="b.docx",
                                   expires_at=NOW + dt.timedelta(minutes=5), now=NOW)
    async with db.unit_of_work() as session:
        result = await sweep(session, NOW, POLICY, None, docs)
    assert sorted(p.name for p in docs.iterdir()) == ["fresh.xlsx", "linked.docx", "waiting.docx"]
    assert result.documents == 1

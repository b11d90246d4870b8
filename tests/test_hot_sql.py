"""The per-message statements on the driver connection (storage/hot.py): what they store is what the
ORM stores and reads, they run in the session's transaction, and a driver error is SQLAlchemy's error."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.engine import Engine, EngineSettings
from storage import engine_hot, engine_store, hot
from storage.dbstats import StatementCounter
from storage.models import ConversationRow
from tests.kit import echo_handler, message

STATE = {"flow": "kiểm định", "answers": {"lĩnh vực": "Điện", "số": [1, 2.5, None]}, "nested": {"ok": True}}
NOW = dt.datetime(2026, 12, 7, 18, 30, 15, 123456, tzinfo=dt.UTC)
CONVERSATIONS = ConversationRow.__table__
_INSERT = hot.statement(
    "INSERT INTO conversations (channel, chat_id, state, version, updated_at, expires_at) "
    "VALUES (:channel, :chat_id, :state, 1, :updated_at, :expires_at)", CONVERSATIONS)


async def test_what_the_driver_writes_the_orm_reads_and_back(db):
    async with db.unit_of_work() as session:
        await engine_store.put_conversation(session, "zalo", "c1", STATE, NOW, None)
        await engine_store.put_conversation(session, "zalo", "c1", STATE, NOW, NOW + dt.timedelta(hours=2))
        session.add(ConversationRow(channel="zalo", chat_id="c2", state=STATE, version=7, updated_at=NOW,
                                    expires_at=None))
    async with db.read() as session:
        row = await session.scalar(select(ConversationRow).where(ConversationRow.chat_id == "c1"))
        assert (row.state, row.version) == (STATE, 2)
        assert engine_store.aware(row.expires_at) == NOW + dt.timedelta(hours=2)
        read = await engine_store.get_conversation(session, "zalo", "c2")
    assert read == engine_store.Conversation(STATE, 7, NOW, None)


async def test_the_statements_are_the_sessions_transaction(db):
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as session:
            await engine_store.put_conversation(session, "zalo", "gone", STATE, NOW, None)
            raise RuntimeError("the handler failed")
    async with db.read() as session:
        assert await engine_store.get_conversation(session, "zalo", "gone") is None


async def test_a_driver_error_is_sqlalchemys_error(db):
    with pytest.raises(IntegrityError):
        async with db.unit_of_work() as session:
            params = {"channel": "zalo", "chat_id": "twice", "state": STATE, "updated_at": NOW, "expires_at": None}
            await hot.execute(session, _INSERT, params)
            await hot.execute(session, _INSERT, params)


async def test_a_lost_connection_is_invalidated_and_flagged(db):
    with pytest.raises(DBAPIError) as raised:
        async with db.unit_of_work() as session:
            await engine_store.get_conversation(session, "zalo", "x")
            driver = (await session.connection()).sync_connection.connection.driver_connection
            if db.is_sqlite:
                await driver._execute(driver._conn.close)  # the file handle gone under the connection
            else:
                await driver.close()  # as a server restart leaves it
            await engine_store.get_conversation(session, "zalo", "x")
    assert raised.value.connection_invalidated
    async with db.unit_of_work() as session:  # the pool hands out a good connection again
        await engine_store.put_conversation(session, "zalo", "after", STATE, NOW, None)


async def test_statement_listeners_see_them(db):
    counter = StatementCounter(db.engine)
    async with db.unit_of_work() as session:
        await engine_store.put_conversation(session, "zalo", "c", STATE, NOW, None)
        await engine_store.get_conversation(session, "zalo", "c")
    counter.close()
    assert (counter.counts.statements, counter.counts.writes) == (2, 1)


@pytest.fixture
def begun(monkeypatch) -> list[int]:
    """PostgreSQL transactions the asyncpg adapter started (each a BEGIN and a COMMIT round trip)."""
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as Adapted

    started = []
    original = Adapted._start_transaction

    async def counting(self):
        started.append(1)
        return await original(self)

    monkeypatch.setattr(Adapted, "_start_transaction", counting)
    return started


async def test_one_message_is_stored_without_a_transaction_a_batch_in_one(db, clock, begun):
    """On PostgreSQL a lone inbox row commits by itself (no BEGIN and COMMIT round trips), a batch shares
    one transaction (one commit); on SQLite both are one transaction. The counter counts either as one."""
    counter = StatementCounter(db.engine)
    engine = Engine(db, echo_handler, clock, EngineSettings())
    assert await engine.accept(message("c1", "one", key="k1"))
    assert (counter.counts.transactions, counter.counts.writes, begun) == (1, 1, [])
    counter.reset()
    assert await engine.accept_many([message("c2", "a", key="k2"), message("c3", "b", key="k3")]) == [True, True]
    assert (counter.counts.transactions, counter.counts.writes) == (1, 1)
    assert begun == ([] if db.is_sqlite else [1])
    assert await engine.accept(message("c1", "one again", key="k1")) is False  # kept once, as before
    counter.close()
    async with db.read() as session:
        assert len(await engine_hot.pending(session)) == 3

"""Review states in storage (issue 24): the queue, atomic transitions, history, counts, the migration."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import text

from storage import people, records, review
from storage.db import open_database
from storage.domain import APPROVED, RETURNED, WAITING, Activity, CalibrationBatch, NotFound, RecordMeta
from storage.migrate import upgrade
from tests.conftest import PG_URL, _reset_pg

NOW = dt.datetime(2023, 1, 10, 1, 0, tzinfo=dt.UTC)
DAY = dt.date(2023, 1, 9)
MINUTE = dt.timedelta(minutes=1)


async def _people(s):
    tech = await people.create_staff(s, "Trần Thị Kỹ", ["technician"], NOW)
    boss = await people.create_staff(s, "Lê Văn Trưởng", ["manager"], NOW)
    other = await people.create_staff(s, "Phạm Thị Phó", ["manager"], NOW)
    return tech, boss, other


def _batch(verified=10):
    return CalibrationBatch(0, DAY, "field-a", verified, 1, verified - 1)


def _submitted(staff_id, at=NOW):
    return RecordMeta(staff_id, "zalo", "e1", at, review=WAITING)


async def test_a_submitted_record_waits_is_returned_corrected_and_approved_with_its_history(db):
    async with db.unit_of_work() as s:
        tech, boss, _ = await _people(s)
        batch = await records.add_calibration_batch(s, _batch(), _submitted(tech.id))
        old = await records.add_calibration_batch(s, _batch(5), RecordMeta(tech.id, "cli", "import", NOW))
    assert batch.meta.review == WAITING and old.meta.review == APPROVED  # imports are not reviewed
    async with db.unit_of_work() as s:
        waiting = await review.queue(s)
        assert [(w.kind, w.record_id, w.author_name, w.state) for w in waiting] == [
            ("calibration_batch", batch.id, "Trần Thị Kỹ", WAITING)]
        done = await review.return_(s, "calibration_batch", batch.id, by=boss.id, now=NOW + MINUTE,
                                    comment="  Thiếu số giấy chứng nhận.\nKiểm tra lại.  ", version=1)
        assert done.ok and done.state.state == RETURNED and done.state.by_name == "Lê Văn Trưởng"
        assert done.state.comment == "Thiếu số giấy chứng nhận.\nKiểm tra lại."
        assert await review.queue(s) == []
        # the author corrects a figure, then resubmits
        fixed = await records.update_calibration_batch(
            s, dataclasses.replace(batch, verified=12, certificates=11), RecordMeta(tech.id, "zalo", "e2", NOW + 2 * MINUTE))
        again = await review.resubmit(s, "calibration_batch", batch.id, by=tech.id, now=NOW + 2 * MINUTE)
        assert again.ok and again.state.state == WAITING and again.state.version == fixed.meta.version == 2
        stale = await review.approve(s, "calibration_batch", batch.id, by=boss.id, now=NOW + 3 * MINUTE, version=1)
        assert not stale.ok and stale.why == review.CHANGED  # the card showed version 1
        ok = await review.approve(s, "calibration_batch", batch.id, by=boss.id, now=NOW + 3 * MINUTE, version=2)
        assert ok.ok and ok.state.state == APPROVED and ok.state.since == NOW + 3 * MINUTE
        events = await review.history(s, "calibration_batch", batch.id)
    assert [(e.action, e.by_name) for e in events] == [
        ("submitted", "Trần Thị Kỹ"), ("returned", "Lê Văn Trưởng"), ("corrected", "Trần Thị Kỹ"),
        ("resubmitted", "Trần Thị Kỹ"), ("approved", "Lê Văn Trưởng")]
    assert events[1].comment == "Thiếu số giấy chứng nhận.\nKiểm tra lại." and events[1].at == NOW + MINUTE
    async with db.read() as s:
        assert (await records.get_calibration_batch(s, batch.id)).meta.review == APPROVED


async def test_a_double_tap_and_a_second_reviewer_act_once_and_learn_who_acted(db):
    async with db.unit_of_work() as s:
        tech, boss, other = await _people(s)
        batch = await records.add_calibration_batch(s, _batch(), _submitted(tech.id))
    async with db.unit_of_work() as s:
        first = await review.approve(s, "calibration_batch", batch.id, by=boss.id, now=NOW)
        tap_again = await review.approve(s, "calibration_batch", batch.id, by=boss.id, now=NOW + MINUTE)
        second = await review.return_(s, "calibration_batch", batch.id, by=other.id, now=NOW + MINUTE, comment="Sai")
    assert first.ok and not tap_again.ok and not second.ok
    assert second.why == review.ACTED and second.state.state == APPROVED
    assert (second.state.by_name, second.state.since) == ("Lê Văn Trưởng", NOW)
    async with db.read() as s:
        assert [e.action for e in await review.history(s, "calibration_batch", batch.id)] == ["submitted", "approved"]


async def test_two_reviewers_at_the_same_moment_one_wins(db):
    async with db.unit_of_work() as s:
        tech, boss, other = await _people(s)
        batch = await records.add_calibration_batch(s, _batch(), _submitted(tech.id))

    async def act(who, comment):
        async with db.unit_of_work() as s:
            if comment:
                return await review.return_(s, "calibration_batch", batch.id, by=who, now=NOW, comment=comment)
            return await review.approve(s, "calibration_batch", batch.id, by=who, now=NOW)

    results = await asyncio.gather(act(boss.id, ""), act(other.id, "Thiếu ảnh"))
    assert sorted(r.ok for r in results) == [False, True]
    won, lost = (results[0], results[1]) if results[0].ok else (results[1], results[0])
    assert lost.why == review.ACTED and lost.state.state == won.state.state and lost.state.by == won.state.by
    async with db.read() as s:
        assert len([e for e in await review.history(s, "calibration_batch", batch.id) if e.action != "submitted"]) == 1


async def test_queue_is_oldest_first_filtered_by_kind_and_author(db):
    async with db.unit_of_work() as s:
        tech, boss, other = await _people(s)
        late = await records.add_calibration_batch(s, _batch(), _submitted(tech.id, NOW + 2 * MINUTE))
        early = await records.add_activity(s, Activity(0, "kind-a", DAY, 2), _submitted(boss.id, NOW))
        middle = await records.add_calibration_batch(s, _batch(7), _submitted(other.id, NOW + MINUTE))
        gone = await records.add_calibration_batch(s, _batch(3), _submitted(tech.id, NOW))
        await records.delete_calibration_batch(s, gone.id, RecordMeta(tech.id, recorded_at=NOW))
    async with db.read() as s:
        assert [w.record_id for w in await review.queue(s)] == [early.id, middle.id, late.id]
        assert [w.record_id for w in await review.queue(s, ["calibration_batch"])] == [middle.id, late.id]
        assert [w.record_id for w in await review.queue(s, author=tech.id)] == [late.id]
        assert [w.record_id for w in await review.queue(s, exclude_author=boss.id)] == [middle.id, late.id]
        assert [w.record_id for w in await review.queue(s, limit=1)] == [early.id]
        stats = await review.queue_stats(s)
        assert (stats.length, stats.oldest_since) == (3, NOW)
        assert stats.age(NOW + dt.timedelta(hours=2)) == dt.timedelta(hours=2)
        assert (await review.queue_stats(s, ["plan"])).age(NOW) is None
        with pytest.raises(ValueError):
            await review.queue(s, ["calibration"])
        with pytest.raises(NotFound):
            await review.state_of(s, "activity", 999)
    async with db.unit_of_work() as s:
        deleted = await review.approve(s, "calibration_batch", gone.id, by=boss.id, now=NOW)
        assert not deleted.ok and deleted.why == review.GONE
        with pytest.raises(ValueError):
            await review.return_(s, "activity", early.id, by=other.id, now=NOW, comment="  \n ")


async def test_counts_approved_ids_and_the_approved_part_of_a_period(db):
    async with db.unit_of_work() as s:
        tech, boss, _ = await _people(s)
        a = await records.add_calibration_batch(s, _batch(), _submitted(tech.id))
        b = await records.add_calibration_batch(s, _batch(4), _submitted(tech.id))
        c = await records.add_calibration_batch(s, _batch(6), _submitted(tech.id))
        await records.add_calibration_batch(s, dataclasses.replace(_batch(), business_date=dt.date(2023, 2, 1)),
                                            _submitted(tech.id))
        await review.approve(s, "calibration_batch", a.id, by=boss.id, now=NOW)
        await review.return_(s, "calibration_batch", b.id, by=boss.id, now=NOW, comment="Sai lĩnh vực")
    start, end = dt.date(2022, 12, 15), dt.date(2023, 1, 14)
    async with db.read() as s:
        found = await review.counts(s, start, end)
        assert found["calibration_batch"] == review.StateCounts(waiting=1, returned=1, approved=1)
        assert found["calibration_batch"].total == 3 and found["licence"] == review.StateCounts()
        assert set(found) == set(review.KINDS)
        assert await review.approved_ids(s, "calibration_batch", start, end) == {a.id}
        returned = await review.queue(s, state=RETURNED, author=tech.id)
        assert [(r.record_id, r.comment) for r in returned] == [(b.id, "Sai lĩnh vực")]
        assert await review.queue(s, state=RETURNED, author=boss.id) == []
        loaded = await records.load_period_records(s, start, end)
    assert {x.id for x in loaded.calibration_batches} == {a.id, b.id, c.id}
    assert [x.id for x in review.approved_only(loaded).calibration_batches] == [a.id]


async def test_reviewer_scopes_and_who_may_review(db):
    async with db.unit_of_work() as s:
        tech, boss, _ = await _people(s)
        checker = await people.create_staff(s, "Đỗ Văn Duyệt", ["inspector"], NOW)
        checker = dataclasses.replace(checker, roles=frozenset({"reviewer"}))
        assert await review.set_reviewer_kinds(s, checker.id, ["inspection"], by=boss.id, now=NOW) == {"inspection"}
        scope = await review.reviewer_kinds(s, checker.id)
        batch = await records.add_calibration_batch(s, _batch(), _submitted(tech.id))
        own = await records.add_calibration_batch(s, _batch(), _submitted(boss.id))
        batch_state = await review.state_of(s, "calibration_batch", batch.id)
        own_state = await review.state_of(s, "calibration_batch", own.id)
        assert await review.set_reviewer_kinds(s, checker.id, [], by=boss.id, now=NOW) == frozenset()
        assert await review.reviewer_kinds(s, checker.id) == frozenset()
    assert review.reviewable_kinds(checker, scope) == {"inspection"}
    assert review.reviewable_kinds(checker, frozenset()) == set(review.KINDS)
    assert review.reviewable_kinds(tech, frozenset()) == frozenset()
    assert not review.may_review(checker, scope, batch_state, self_approve=False)
    assert not review.may_review(tech, frozenset(), batch_state, self_approve=True)
    assert review.may_review(boss, frozenset(), batch_state, self_approve=False)
    assert not review.may_review(boss, frozenset(), own_state, self_approve=False)
    assert review.may_review(boss, frozenset(), own_state, self_approve=True)
    revoked = dataclasses.replace(boss, active=False)
    assert not review.may_review(revoked, frozenset(), batch_state, self_approve=True)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL tests need TEST_DATABASE_URL"))])
async def test_records_from_before_review_are_migrated_as_approved(backend, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}" if backend == "sqlite" else PG_URL
    if backend == "postgresql":
        await _reset_pg(url)
    db = open_database(url)
    try:
        await upgrade(db.engine, "0008")
        async with db.engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO calibration_batches (business_date, status, version, recorded_at, updated_at, channel,"
                " source_event, form, field, verified, rejected, certificates, customer)"
                " VALUES ('2023-01-09', 'active', 1, '2023-01-09 03:00:00+00', '2023-01-09 03:00:00+00', 'zalo',"
                " 'e', 'calibration', 'dien', 3, 0, 3, '')"))
        await upgrade(db.engine)
        async with db.read() as s:
            old = await review.state_of(s, "calibration_batch", 1)
            assert (old.state, old.since, old.comment) == (APPROVED, None, "")
            assert await review.queue(s) == []
    finally:
        await db.close()


async def test_an_offer_goes_into_another_chat_only_as_it_was_read(db):
    from storage import engine_store

    later = NOW + MINUTE
    async with db.unit_of_work() as s:
        await engine_store.put_conversation(s, "zalo", "busy", {"kind": "flow"}, NOW, later)
        assert not await engine_store.offer_conversation(s, "zalo", "busy", {"kind": "offer"}, NOW, later,
                                                         replaces_version=None)  # somebody started a form
        assert await engine_store.offer_conversation(s, "zalo", "idle", {"kind": "offer"}, NOW, later,
                                                     replaces_version=None)
    async with db.unit_of_work() as s:
        assert (await engine_store.get_conversation(s, "zalo", "busy")).state == {"kind": "flow"}
        idle = await engine_store.get_conversation(s, "zalo", "idle")
        assert (idle.state, idle.version) == ({"kind": "offer"}, 1)
        assert await engine_store.offer_conversation(s, "zalo", "idle", {"kind": "offer", "n": 2}, NOW, later,
                                                     replaces_version=1)
        assert not await engine_store.offer_conversation(s, "zalo", "idle", {"kind": "offer", "n": 3}, NOW, later,
                                                         replaces_version=1)  # moved on since it was read
    async with db.read() as s:
        assert (await engine_store.get_conversation(s, "zalo", "idle")).state == {"kind": "offer", "n": 2}

"""Random conversations with /kiemtra through the real engine, router and database.

Hypothesis sends typed words and numbers, navigation words, taps on current and old keyboards,
photos, pins, stickers and commands. Whatever happens: no message fails in the engine, no apology is
sent, and every stored visit keeps the rules: compliant exactly when no criterion is "not met" and
every pump is within the limit with a valid certificate and intact seals; one visit per plan,
facility and day; the recorder among the inspectors; a fine has an amount.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import texts
from bot.config import load_config
from bot.messages import Incoming, Location
from storage import records
from storage.db import open_database
from storage.domain import Facility, RecordMeta
from storage.migrate import upgrade
from storage.models import InboxRow
from storage.record_models import InspectionRow
from tests.conftest import REPO, examples
from tests.kit import add_older_plan, add_plan, add_staff, make_app
from tests.test_capture_inspection import COMPLIANT

WORDS = [
    "/kiemtra", "/help", "/huy", "1", "2", "3", "4", "5", "ok", "có", "không", "quay lại", "bỏ qua", "sửa",
    "xác nhận", "hủy", "xong", "hôm nay", "hôm qua", "13/1", "31/02/2023", "1/1/2030", "minh", "minh phat",
    "hoang gia", "dien", "xx", "Cửa hàng mới", "0101234567", "0109999999-001", "123", "CD01 -0,2; CD02 +0,1",
    "CD03 0,6", "-0,5", "0,3", "abc", "5.000.000", "0", "20.65, 106.05", "Thôn Đông", "",
]  # fmt: skip

typed = st.one_of(st.sampled_from(WORDS), st.text(max_size=20)).map(lambda text: ("text", text))
tap = st.integers(min_value=0, max_value=30).map(lambda n: ("tap", n))
old_tap = st.integers(min_value=0, max_value=300).map(lambda n: ("old_tap", n))
other = st.sampled_from([("photo", ""), ("location", ""), ("sticker", ""), ("unsupported", "")])
action = st.one_of(typed, typed, tap, tap, old_tap, other)
noise = st.one_of(old_tap, other)
LIMIT = Decimal("0.45")
_copies = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, Any]:
    """A migrated SQLite file with inspectors, an open plan and two remembered facilities; copied per run."""
    folder = tmp_path_factory.mktemp("inspection_property")
    config = load_config(REPO / "config.toml", env={"FIELDBOT_DATA_DIR": str(folder / "data")})
    path = folder / "template.sqlite3"

    async def build() -> None:
        db = open_database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db.engine)
        app, _ = await make_app(config, db)
        an = await add_staff(app, "Nguyễn Văn An", {"inspector"}, "an")
        await add_staff(app, "Trần Thị Bình", {"inspector"}, "binh")
        await add_plan(app)
        await add_older_plan(app)
        meta = RecordMeta(an.id, recorded_at=app.clock.now())
        async with db.unit_of_work() as session:
            await records.add_facility(
                session, Facility(0, "xang_dau", "Cửa hàng xăng dầu Minh Phát", "0101234567", "xã Tân Dân"), meta
            )
            await records.add_facility(session, Facility(0, "dien_dien_tu", "Điện máy Hoàng Gia"), meta)
        await db.close()

    asyncio.run(build())
    return path, config


async def play(template: tuple[Path, Any], actions: list[tuple[str, Any]], users=("an",)) -> list:
    """Each user opens /kiemtra, then the actions go to the users in turn; returns the stored visits."""
    source, config = template
    copy = source.with_name(f"run{next(_copies)}.sqlite3")
    shutil.copy(source, copy)
    db = open_database(f"sqlite+aiosqlite:///{copy}")
    try:
        app, sender = await make_app(config, db)
        keys = itertools.count()
        seen: list[str] = []
        opening = [(user, ("text", "/kiemtra")) for user in users]
        turns = [(users[i % len(users)], a) for i, a in enumerate(actions)]
        for user, (kind, arg) in opening + turns:
            incoming = _incoming(user, kind, arg, sender, seen, next(keys))
            if incoming is None:
                continue
            await app.engine.accept(incoming)
            await app.engine.run_until_idle()
            for reply in sender.sent.get(user, []):
                seen += [c.key for c in reply.choices if c.key not in seen]
        return await check(app, sender)
    finally:
        await db.close()
        copy.unlink(missing_ok=True)


def _incoming(user: str, kind: str, arg: Any, sender, seen: list[str], n: int) -> Incoming | None:
    key = f"{user}-{n}"
    if kind == "text":
        if arg.startswith("/") and len(arg) > 1:
            return Incoming("console", user, user, key, "command", command=arg[1:])
        return Incoming("console", user, user, key, "text", text=arg)
    if kind == "tap":
        shown = [r for r in sender.sent.get(user, []) if r.choices and r.kind == "text"]
        if not shown:
            return None
        choices = shown[-1].choices
        return Incoming("console", user, user, key, "choice", choice=choices[arg % len(choices)].key)
    if kind == "old_tap":  # a keyboard no longer on screen
        asked = [r.token for r in sender.sent.get(user, []) if r.token]
        current = asked[-1] if asked else ""
        old = [k for k in seen if not current or not k.startswith(current + "|")]
        return Incoming("console", user, user, key, "choice", choice=old[arg % len(old)]) if old else None
    if kind == "photo":
        return Incoming("console", user, user, key, "photo", photo_path=f"media/{n}.jpg")
    if kind == "location":
        return Incoming("console", user, user, key, "location", location=Location(20.65, 106.05))
    return Incoming("console", user, user, key, kind)


async def check(app, sender) -> list:
    """No failed message, no apology, and every stored visit keeps the rules."""
    assert all(r.text != texts.people.ERROR for replies in sender.sent.values() for r in replies)
    catalogue = app.config.catalogue
    async with app.db.read() as session:
        assert (await session.scalars(select(InboxRow.status).where(InboxRow.status != "done"))).all() == []
        rows = (await session.scalars(select(InspectionRow))).all()
        seen_visits = set()
        for row in rows:
            visit = await records.get_inspection(session, row.id)
            kind = catalogue.facility_kind(visit.facility_kind)
            expected = all(a.result != "not_met" for a in visit.checklist) and all(
                p.within_limit and p.certificate_valid and p.seals_intact for p in visit.pumps
            )
            assert row.compliant == expected == visit.compliant
            assert {a.criterion for a in visit.checklist} <= {c.key for c in kind.criteria}
            assert all(a.result in ("met", "not_met", "na") for a in visit.checklist)
            assert all(p.within_limit == (abs(Decimal(str(p.error_percent))) <= LIMIT) for p in visit.pumps)
            assert bool(visit.pumps) == kind.has_pumps
            assert visit.inspectors[0] == visit.meta.recorded_by and len(set(visit.inspectors)) == len(visit.inspectors)
            assert (visit.action == "fine") == (visit.fine_amount > 0)
            assert visit.action in ("none", "reminder", "record", "fine")
            assert visit.visit_date <= dt.date(2023, 1, 13)
            assert (await records.get_facility(session, visit.facility_id)).merged_into is None
            key = (visit.plan_id, visit.facility_id, visit.visit_date)
            assert key not in seen_visits, "two records of one visit"
            seen_visits.add(key)
        return [await records.get_inspection(session, row.id) for row in rows]


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, max_size=40))
def test_random_conversations_keep_the_rules(template, actions):
    asyncio.run(play(template, actions))


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(noise, max_size=2), min_size=len(COMPLIANT), max_size=len(COMPLIANT)))
def test_noise_between_the_answers_loses_nothing(template, noise_runs):
    """Photos, pins, stickers and old taps between the answers of a full form: the same one record."""
    actions: list[tuple[str, Any]] = []
    for answer, run in zip([*COMPLIANT[1:], "1"], noise_runs, strict=True):
        actions += run + [("text", answer)]
    [visit] = asyncio.run(play(template, actions))
    assert visit.compliant and [p.serial for p in visit.pumps] == ["CD01", "CD02"]
    assert len(visit.photos) == sum(run.count(("photo", "")) for run in noise_runs)


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, min_size=1, max_size=25))
def test_random_edits_at_the_review(template, tail):
    """A full form, then random edits and confirmations: at most one record, always valid."""
    actions = [("text", a) for a in COMPLIANT[1:]] + tail + [("text", "1")] * 2
    started = tail.count(("text", "/kiemtra"))  # each "/kiemtra" in the tail may start one more visit
    assert len(asyncio.run(play(template, actions))) <= 1 + started


@settings(max_examples=examples(4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, max_size=30))
def test_two_inspectors_at_once_never_record_one_visit_twice(template, actions):
    """Two inspectors of one team fill the same form in turn, message by message."""
    both = [("text", a) for a in COMPLIANT[1:] for _ in (0, 1)]
    asyncio.run(play(template, both + actions + [("text", "1")] * 4, users=("an", "binh")))

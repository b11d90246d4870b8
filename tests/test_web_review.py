"""Approve and return from a record's page (issue 25 on issue 24's review): the same checks, transitions
and notices as /duyet; the author hears it in the chat; every POST needs the page's CSRF token."""

from __future__ import annotations

import re

from storage import review
from tests.kit import Chat
from tests.web_data import a_month
from tests.web_kit import Browser, sign_in_link, web_app

FORMS = re.compile(r'<form method="post" action="(/ban-ghi/\w+/\d+/duyet)"')


async def signed_in(app, sender, base, user: str = "boss") -> Browser:
    browser = Browser(base)
    await browser.sign_in(await sign_in_link(Chat(app, sender, user)))
    return browser


async def state(app, kind: str, record_id: int):
    async with app.db.read() as session:
        return await review.state_of(session, kind, record_id)


async def test_a_manager_returns_a_visit_with_a_comment_and_its_author_is_told(config, db):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        author = Chat(app, sender, "insp")
        page = f"/ban-ghi/inspection/{m.visit.id}"
        async with await signed_in(app, sender, base) as b:
            _, body, _ = await b.get(page)
            assert FORMS.findall(body) == [page + "/duyet"] * 2
            version = re.search(r'name="version" value="(\d+)"', body).group(1)
            status, body, _ = await b.post(page + "/duyet", {"action": "return", "comment": "", "version": version})
            assert status == 200 and "Vui lòng ghi nội dung cần bổ sung" in body
            assert (await state(app, "inspection", m.visit.id)).state == "waiting"
            status, body, _ = await b.post(page + "/duyet", {"action": "return", "version": version,
                                                             "comment": "Thiếu ảnh tem kiểm định cột bơm số 2"},
                                           csrf=False)
            assert status == 403 and (await state(app, "inspection", m.visit.id)).state == "waiting"
            async with b.http.post(base + page + "/duyet", allow_redirects=False, data={
                    "csrf": b.csrf, "action": "return", "version": version,
                    "comment": "Thiếu ảnh tem kiểm định cột bơm số 2"}) as response:
                assert response.status == 303 and response.headers["Location"] == page + "?kq=returned"
            after = await state(app, "inspection", m.visit.id)
            assert (after.state, after.comment, after.by) == ("returned", "Thiếu ảnh tem kiểm định cột bơm số 2", m.boss.id)
            await app.engine.run_until_idle()
            told = author.new_messages()
            assert len(told) == 1 and "Thiếu ảnh tem kiểm định cột bơm số 2" in told[0] and "Sửa ngay" in told[0]
            _, body, _ = await b.get(page + "?kq=returned")
            assert "Đã trả lại bản ghi" in body and "Cần bổ sung" in body and FORMS.findall(body) == []
            assert "Trả lại để bổ sung" in body  # the history
            status, _, _ = await b.post(page + "/duyet", {"action": "approve", "version": version})
            assert status == 200 and (await state(app, "inspection", m.visit.id)).state == "returned"


async def test_approve_once_a_stale_page_and_ones_own_record(config, db):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        author = Chat(app, sender, "tech")
        page = f"/ban-ghi/calibration_batch/{m.batch.id}"
        async with await signed_in(app, sender, base) as b, await signed_in(app, sender, base) as second:
            _, body, _ = await b.get(page)
            version = re.search(r'name="version" value="(\d+)"', body).group(1)
            _, body, _ = await b.post(page + "/duyet", {"action": "approve", "version": version})
            assert "Đã duyệt bản ghi" in body and (await state(app, "calibration_batch", m.batch.id)).state == "approved"
            _, body, _ = await second.post(page + "/duyet", {"action": "approve", "version": version})
            assert "đã được duyệt hoặc trả lại trước đó" in body  # the second click, the second manager
            await app.engine.run_until_idle()
            assert len([t for t in author.new_messages() if "duyệt" in t]) == 1
            _, body, _ = await b.get(f"/ban-ghi/activity/{m.activity.id}")  # the manager's own record
            assert FORMS.findall(body) == []
            _, body, _ = await b.post(f"/ban-ghi/activity/{m.activity.id}/duyet", {"action": "approve", "version": "1"})
            assert "người khác duyệt" in body and (await state(app, "activity", m.activity.id)).state == "waiting"
            _, body, _ = await b.post(f"/ban-ghi/licence/{m.licence.id}/duyet", {"action": "approve", "version": "9"})
            assert (await state(app, "licence", m.licence.id)).state == "waiting"
            assert (await b.post(f"/ban-ghi/licence/{m.licence.id}/duyet", {"action": "delete", "version": "1"}))[0] == 404


async def test_someone_who_may_not_review_gets_no_forms_and_changes_nothing(config, db):
    from storage import people

    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with app.db.unit_of_work() as session:
            await people.set_roles(session, m.inspector.id, ["inspector", "manager"])
        async with await signed_in(app, sender, base, "insp") as b:
            async with app.db.unit_of_work() as session:
                await people.set_roles(session, m.inspector.id, ["inspector"])
            _, body, _ = await b.get(f"/ban-ghi/inspection/{m.visit.id}")
            assert FORMS.findall(body) == []  # their own visit: they may look, not review
            status, body, _ = await b.post(f"/ban-ghi/inspection/{m.visit.id}/duyet", {"action": "approve", "version": "1"})
            assert "không có quyền duyệt" in body
            assert (await state(app, "inspection", m.visit.id)).state == "waiting"

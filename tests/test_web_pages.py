"""The web view's records, record pages, photos and facilities over HTTP (issue 25): filters, sorting,
paging, a search without diacritics; what each role may open; photos only as the record's own, inside
the media folder. The same pages in a real browser: tests/test_web_browser.py."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from yarl import URL

from storage.text import fold
from tests.conftest import REPO
from tests.kit import Chat
from tests.web_data import JPEG, a_month
from tests.web_kit import Browser, link_for, sign_in_link, web_app
from webview import records as records_page

ROW = re.compile(r'<tr>\s*<td data-label="[^"]*"><a href="/ban-ghi/(\w+)/(\d+)">')


def listed(body: str) -> list[tuple[str, int]]:
    return [(kind, int(n)) for kind, n in ROW.findall(body)]


async def signed_in(app, sender, base, user: str = "boss") -> Browser:
    browser = Browser(base)
    await browser.sign_in(await sign_in_link(Chat(app, sender, user)))
    return browser


async def test_the_records_filter_sort_page_and_search_without_diacritics(config, db, monkeypatch):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with await signed_in(app, sender, base) as b:
            status, body, _ = await b.get("/ban-ghi")
            assert status == 200 and "6 bản ghi" in body  # the plan too
            assert listed(body)[:2] == [("inspection", m.other_visit.id), ("inspection", m.visit.id)]  # newest first
            _, body, _ = await b.get("/ban-ghi?loai=inspection")
            assert sorted(listed(body)) == [("inspection", m.visit.id), ("inspection", m.other_visit.id)]
            _, body, _ = await b.get(f"/ban-ghi?nguoi={m.technician.id}")
            assert listed(body) == [("calibration_batch", m.batch.id)]
            _, body, _ = await b.get("/ban-ghi?q=" + fold("Đồng Tâm").upper())  # DONG TAM: its visit, its licence
            assert sorted(listed(body)) == [("inspection", m.visit.id), ("licence", m.licence.id)]
            _, body, _ = await b.get("/ban-ghi?q=thanh tra")  # the inspector's name, without diacritics
            assert listed(body) == [("inspection", m.visit.id)]
            field = app.config.catalogue.calibration_fields[0]
            _, body, _ = await b.get("/ban-ghi?q=" + fold(field.label))  # a catalogue label
            assert ("calibration_batch", m.batch.id) in listed(body)
            _, body, _ = await b.get(f"/ban-ghi?coso={m.facility.id}")
            assert sorted(listed(body)) == [("inspection", m.visit.id), ("licence", m.licence.id)]
            _, body, _ = await b.get("/ban-ghi?ky=02/2023")
            assert listed(body) == [] and "Không có bản ghi nào" in body
            _, body, _ = await b.get("/ban-ghi?ky=01/2023&loai=activity")
            assert listed(body) == [("activity", m.activity.id)]
            _, body, _ = await b.get("/ban-ghi?ky=thang muoi ba")
            assert "Không hiểu kỳ “thang muoi ba”" in body and len(listed(body)) == 6  # said, and not applied
            _, body, _ = await b.get("/ban-ghi?trangthai=approved")
            assert listed(body) == [("plan", 1)]  # the plan (written approved); the rest wait for review
            _, body, _ = await b.get("/ban-ghi?xep=date&chieu=asc")
            assert listed(body)[0] == ("plan", 1)  # 03/01
            _, body, _ = await b.get("/ban-ghi?xep=author&chieu=asc&loai=inspection")
            assert listed(body) == [("inspection", m.visit.id), ("inspection", m.other_visit.id)]  # Nguyễn < Trần
            old = await an_activity(app, m, dt.date(2022, 12, 1))  # in 12/2022 (15/11–14/12): not this month
            _, body, _ = await b.get("/ban-ghi")
            assert ("activity", old.id) not in listed(body) and 'id="every-period"' in body
            for every in ("tất cả", "tat ca"):
                _, body, _ = await b.get("/ban-ghi?ky=" + every)
                assert ("activity", old.id) in listed(body) and "7 bản ghi" in body
            _, body, _ = await b.get("/ban-ghi?ky=12/2022")
            assert listed(body) == [("activity", old.id)]
            monkeypatch.setattr(records_page, "PER_PAGE", 4)
            _, first, _ = await b.get("/ban-ghi")
            _, second, _ = await b.get("/ban-ghi?trang=2")
            _, beyond, _ = await b.get("/ban-ghi?trang=99")
            assert len(listed(first)) == 4 and len(listed(second)) == 2 and listed(beyond) == listed(second)
            assert set(listed(first)).isdisjoint(listed(second)) and 'rel="next"' in first


async def an_activity(app, m, day):
    from storage import records
    from storage.domain import Activity, RecordMeta

    async with app.db.unit_of_work() as session:
        return await records.add_activity(session, Activity(0, app.config.catalogue.activity_kinds[0].key, day, 2),
                                          RecordMeta(m.boss.id, recorded_at=app.clock.now()))


async def test_a_record_page_shows_its_card_photo_coordinates_and_history(config, db):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with await signed_in(app, sender, base) as b:
            status, body, _ = await b.get(f"/ban-ghi/inspection/{m.visit.id}")
            assert status == 200
            card = body.split('id="card">', 1)[1].split("</div>", 1)[0]
            assert "Cửa hàng xăng dầu Đồng Tâm" in card and "Người kiểm tra: Nguyễn Văn Thanh Tra" in card
            assert "Sửa" not in card and "trùng" not in card  # not a correction's card, not its own duplicate
            assert "20.942100, 105.952300" in body and 'id="map"' not in body  # no tiles: the coordinates
            assert "Chờ duyệt" in body and "Gửi" in body and "Nguyễn Văn Thanh Tra" in body  # state, history
            photo = re.search(r'<img src="([^"]+)"', body).group(1)
            async with b.http.get(base + photo) as response:
                assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
                assert await response.read() == JPEG
            status, body, _ = await b.get(f"/ban-ghi/calibration_batch/{m.batch.id}")
            card = body.split('id="card">', 1)[1].split("</div>", 1)[0]
            assert status == 200 and card.startswith("Kiểm định, hiệu chuẩn phương tiện đo\nNgày: 09/01/2023\n")
            assert "Khách hàng: Công ty Điện lực" in card and "Sửa" not in card  # the title, not "Sửa lô … #1"
            for path in ("/ban-ghi/inspection/999", "/ban-ghi/nothing/1", f"/ban-ghi/licence/{m.licence.id}9"):
                assert (await b.get(path))[0] == 404


async def test_a_map_only_with_tiles_and_the_policy_names_their_server(config, db):
    tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    async with web_app(config, db, tiles_url=tiles, tiles_attribution="© Ví dụ") as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with await signed_in(app, sender, base) as b:
            _, body, headers = await b.get(f"/ban-ghi/inspection/{m.visit.id}")
            assert 'id="map"' in body and "/static/leaflet/leaflet.js" in body and "/static/map.js" in body
            assert "<script>" not in body  # no inline script: its data are attributes
            img = next(d for d in headers["Content-Security-Policy"].split(";") if "img-src" in d)
            assert img.split() == ["img-src", "'self'", "data:", "https://*.tile.example.org"]
            _, body, _ = await b.get(f"/ban-ghi/inspection/{m.other_visit.id}")  # a facility without a position
            assert 'id="map"' not in body and "chưa có tọa độ" in body
            _, body, _ = await b.get("/co-so")
            points = json.loads(html.unescape(re.search(r"data-points='([^']*)'", body).group(1)))
            assert [p["label"] for p in points] == ["Cửa hàng xăng dầu Đồng Tâm"]  # Hòa Phát has no position
            assert (points[0]["lat"], points[0]["lon"], points[0]["href"]) == (20.9421, 105.9523, f"/co-so/{m.facility.id}")


async def test_photos_only_as_the_records_own_and_only_to_those_who_may_see_it(config, db):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        (config.general.data_dir / "secret.jpg").write_bytes(JPEG)
        own = f"/ban-ghi/inspection/{m.visit.id}/anh/{quote(m.photo.name)}"
        other = f"/ban-ghi/inspection/{m.other_visit.id}/anh/{quote(m.other_photo.name)}"
        async with aiohttp.ClientSession() as anonymous:
            async with anonymous.get(base + own) as response:
                assert response.status == 401
        async with await signed_in(app, sender, base) as b:
            assert (await b.get(own))[0] == 200
            wrong = [f"/ban-ghi/inspection/{m.visit.id}/anh/{quote(m.other_photo.name)}",  # another record's photo
                     f"/ban-ghi/inspection/{m.other_visit.id}/anh/{quote(m.photo.name)}",
                     f"/ban-ghi/inspection/{m.visit.id}/anh/..%2Fsecret.jpg",
                     f"/ban-ghi/inspection/{m.visit.id}/anh/..%2F..%2Fconfig.toml",
                     f"/ban-ghi/inspection/{m.visit.id}/anh/%2E%2E",
                     f"/ban-ghi/calibration_batch/{m.batch.id}/anh/{quote(m.photo.name)}"]
            for path in wrong:
                async with b.http.get(URL(base + path, encoded=True)) as response:
                    assert response.status == 404, path
            async with b.http.get(URL(f"{base}/ban-ghi/inspection/{m.visit.id}/anh/../../../secret.jpg", encoded=True)) as response:
                assert response.status == 404
        # the inspector: their own visit and its photo; the manager's visit and its photo are not theirs
        async with app.db.unit_of_work() as session:
            from storage import people

            await people.set_roles(session, m.inspector.id, ["inspector", "manager"])
        async with await signed_in(app, sender, base, "insp") as b:
            async with app.db.unit_of_work() as session:
                await people.set_roles(session, m.inspector.id, ["inspector"])
            assert (await b.get(own))[0] == 200
            assert (await b.get(f"/ban-ghi/inspection/{m.visit.id}"))[0] == 200
            status, body, _ = await b.get(other)
            assert status == 403
            assert (await b.get(f"/ban-ghi/inspection/{m.other_visit.id}"))[0] == 403
            _, body, _ = await b.get("/ban-ghi")
            assert listed(body) == [("inspection", m.visit.id)]  # their own only
            assert (await b.get("/co-so"))[0] == 403 and (await b.get("/"))[0] == 403
        async with Browser(base) as b:  # a technician's session: no month, nobody else's photo
            await b.sign_in(await link_for(app, m.technician, base))
            assert (await b.get("/"))[0] == 403 and (await b.get(own))[0] == 403 and (await b.get(other))[0] == 403
            assert (await b.get(f"/ban-ghi/calibration_batch/{m.batch.id}"))[0] == 200  # their own batch
            _, body, _ = await b.get("/ban-ghi")
            assert listed(body) == [("calibration_batch", m.batch.id)]


async def test_the_register_of_facilities_with_their_visits_and_licences(config, db):
    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with await signed_in(app, sender, base) as b:
            _, body, _ = await b.get("/co-so?q=hoa phat")
            assert "Cửa hàng điện máy Hòa Phát" in body and "Đồng Tâm" not in body and "1 cơ sở" in body
            _, body, _ = await b.get("/co-so?q=0101234567")
            assert "Cửa hàng xăng dầu Đồng Tâm" in body
            status, body, _ = await b.get(f"/co-so/{m.facility.id}")
            assert status == 200 and "20.942100, 105.952300" in body
            assert f"/ban-ghi/inspection/{m.visit.id}" in body and "12/GP-SKHCN" in body and "còn hiệu lực" in body
            assert (await b.get("/co-so/999"))[0] == 404


async def test_what_people_typed_is_escaped_where_it_lands(config, db):
    from storage import records
    from storage.domain import Facility, RecordMeta

    async with web_app(config, db) as (app, sender, base):
        m = await a_month(app, config.general.data_dir / "media")
        async with app.db.unit_of_work() as session:
            row = await records.get_facility(session, m.other_facility.id)
            await records.update_facility(session, Facility(**{**row.__dict__, "name": "<script>alert(1)</script>"}),
                                          RecordMeta(m.boss.id, recorded_at=app.clock.now()))
        async with await signed_in(app, sender, base) as b:
            for path in ("/ban-ghi", "/co-so", f"/ban-ghi/inspection/{m.other_visit.id}", "/ban-ghi?q=<script>"):
                _, body, _ = await b.get(path)
                assert "<script>alert" not in body and ("&lt;script&gt;" in body), path


def test_leaflet_is_vendored_with_its_licence_and_version():
    folder = REPO / "webview/static/leaflet"
    note = (folder / "VERSION").read_text(encoding="utf-8")
    version = re.search(r"Leaflet (\d+\.\d+\.\d+)", note).group(1)
    assert f"Leaflet {version}," in (folder / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert "BSD-2-Clause" in note and "Agafonkin" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert {p.name for p in (folder / "images").iterdir()} >= {"marker-icon.png", "marker-shadow.png", "layers.png"}
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    assert all((folder / u).is_file() for u in re.findall(r"url\((images/[^)]+)\)", css))


@pytest.mark.parametrize("path", ["webview/static/map.js", "webview/static/web.css"])
def test_own_static_files_exist(path):
    assert Path(REPO / path).stat().st_size > 200

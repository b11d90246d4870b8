"""The web view's doors (issue 25): the one-time link from /web, the session cookie, the idle end,
sign-out, CSRF on every POST, roles checked on the server, the security headers on every answer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from storage import web_store
from storage.models import OutboxRow, WebSessionRow, WebSignInRow
from tests.kit import Chat, add_staff
from tests.web_kit import Browser, sign_in_link, web_app


async def test_a_manager_signs_in_through_the_link_from_the_chat_once(config, db):
    async with web_app(config, db) as (app, sender, base):
        await add_staff(app, "Trần Thị Giám Đốc", ["manager"], "boss")
        link = await sign_in_link(Chat(app, sender, "boss"))
        assert link.startswith(base + "/vao/")
        async with Browser(base) as browser:
            status, body, _ = await browser.get(link)  # a link preview opens it too: nothing is used yet
            assert status == 200 and 'id="sign-in"' in body
            status, body, _ = await browser.get(link)
            assert status == 200
            async with browser.http.post(link, allow_redirects=False) as response:
                assert response.status == 303 and response.headers["Location"] == "/"
                cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # http here
            assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # ends with the browser
            status, body, _ = await browser.get("/")
            assert status == 200 and "Trần Thị Giám Đốc" in body and "Đăng xuất" in body
        async with Browser(base) as other:  # the same link again, from another browser
            status, body, _ = await other.get(link)
            assert status == 410 and "chỉ dùng được một lần" in body
            status, body, _ = await other.post(link)
            assert status == 410
            status, body, _ = await other.get("/")
            assert status == 401 and "/web" in body


async def test_an_expired_or_unknown_link_is_refused_and_opens_nothing(config, db):
    async with web_app(config, db) as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        link = await sign_in_link(Chat(app, sender, "boss"))
        app.clock.advance(minutes=10)
        async with Browser(base) as browser:
            status, body, _ = await browser.get(link)
            assert status == 410 and "10 phút" in body
            status, _, _ = await browser.post(link)
            assert status == 410
            assert (await browser.get("/"))[0] == 401
            status, body, _ = await browser.get(link[:-4] + "AAAA")
            assert status == 404 and "không đúng" in body
            assert (await browser.get(base + "/vao/..%2F..%2Fetc"))[0] == 404


async def test_tokens_are_stored_hashed_and_the_link_masked_once_delivered(config, db):
    async with web_app(config, db) as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        link = await sign_in_link(Chat(app, sender, "boss"))
        token = link.rsplit("/", 1)[1]
        async with Browser(base) as browser:
            await browser.sign_in(link)
            cookie = next(c.value for c in browser.http.cookie_jar if c.key == "fieldbot_web")
        async with app.db.read() as session:
            links = list(await session.scalars(select(WebSignInRow)))
            sessions = list(await session.scalars(select(WebSessionRow)))
            payloads = [str(p) for p in await session.scalars(select(OutboxRow.payload))]
        assert [r.token_hash for r in links] == [web_store.token_hash(token)]
        assert [r.token_hash for r in sessions] == [web_store.token_hash(cookie)]
        assert cookie != token
        assert not [p for p in payloads if token in p]  # the delivered reply keeps "••••••"


async def test_sessions_end_after_the_idle_time_and_at_sign_out(config, db):
    async with web_app(config, db, session_idle_minutes=30) as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        chat = Chat(app, sender, "boss")
        async with Browser(base) as browser:
            await browser.sign_in(await sign_in_link(chat))
            app.clock.advance(minutes=29)
            assert (await browser.get("/"))[0] == 200  # used: the idle time starts again
            app.clock.advance(minutes=29)
            assert (await browser.get("/"))[0] == 200
            app.clock.advance(minutes=30)
            assert (await browser.get("/"))[0] == 401
        async with Browser(base) as browser:
            await browser.sign_in(await sign_in_link(chat))
            status, body, _ = await browser.post("/ra", csrf=False)
            assert status == 403 and "Biểu mẫu đã cũ" in body
            assert (await browser.get("/"))[0] == 200  # still signed in
            status, body, headers = await browser.post("/ra")
            assert status == 200 and "Đã đăng xuất" in body
            assert (await browser.get("/"))[0] == 401


async def test_roles_are_read_at_every_request(config, db):
    async with web_app(config, db) as (app, sender, base):
        boss = await add_staff(app, "Quản lý", ["manager"], "boss")
        await add_staff(app, "Kỹ thuật viên", ["technician"], "tech")
        said = await Chat(app, sender, "tech").say("/web")
        assert "/vao/" not in said  # /web is for managers, reviewers and administrators
        async with Browser(base) as browser:
            await browser.sign_in(await sign_in_link(Chat(app, sender, "boss")))
            assert (await browser.get("/"))[0] == 200
            from storage import people

            async with app.db.unit_of_work() as session:
                await people.set_roles(session, boss.id, ["technician"])
            status, body, _ = await browser.get("/")
            assert status == 403 and "Không có quyền" in body
            async with app.db.unit_of_work() as session:
                await people.set_roles(session, boss.id, ["manager"])
                await people.set_active(session, boss.id, False)
            assert (await browser.get("/"))[0] == 401  # access revoked: signed out


async def test_every_answer_carries_a_policy_allowing_only_our_own_scripts(config, db):
    async with web_app(config, db) as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        async with Browser(base) as browser:
            answers = [await browser.get("/"), await browser.get("/vao/unknown"), await browser.get("/static/web.css"),
                       await browser.get("/static/nothing.js"), await browser.get("/healthz")]
            await browser.sign_in(await sign_in_link(Chat(app, sender, "boss")))
            answers += [await browser.get("/"), await browser.post("/ra", csrf=False)]
        for _status, _, headers in answers:
            policy = headers["Content-Security-Policy"]
            script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
            assert script.split() == ["script-src", "'self'"], policy
            assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy
            assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert [a[0] for i, a in enumerate(answers) if i != 4] == [401, 404, 200, 404, 200, 403]  # /healthz: 503, no engine


async def test_the_cookie_is_secure_behind_https(config, db):
    async with web_app(config, db, public_url="https://bot.example.gov.vn") as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        said = await Chat(app, sender, "boss").say("/web")
        token = said.split("https://bot.example.gov.vn/vao/", 1)[1].split()[0]
        async with Browser(base) as browser:
            async with browser.http.post(f"{base}/vao/{token}", allow_redirects=False) as response:
                assert response.status == 303
                assert "Secure" in response.headers["Set-Cookie"]


async def test_links_and_sessions_that_open_nothing_are_forgotten(config, db):
    async with web_app(config, db, session_idle_minutes=30) as (app, sender, base):
        boss = await add_staff(app, "Quản lý", ["manager"], "boss")
        chat = Chat(app, sender, "boss")
        async with Browser(base) as browser, Browser(base) as other:
            await browser.sign_in(await sign_in_link(chat))
            await other.sign_in(await sign_in_link(chat))
            await other.post("/ra")
            unused = await sign_in_link(chat)
        sweep = web_store.sweeper(dt.timedelta(minutes=30))
        async with app.db.unit_of_work() as session:
            await sweep(session, app.clock.now())
            assert len(list(await session.scalars(select(WebSessionRow)))) == 1  # the one signed out is gone
            assert len(list(await session.scalars(select(WebSignInRow)))) == 3  # used or not: kept a day
        async with app.db.unit_of_work() as session:
            await web_store.forget_old(session, app.clock.now() + dt.timedelta(days=1, minutes=11),
                                       dt.timedelta(minutes=30))
            assert list(await session.scalars(select(WebSessionRow))) == []
            assert list(await session.scalars(select(WebSignInRow))) == []
        async with Browser(base) as late:
            assert (await late.get(unused))[0] == 404  # forgotten: unknown
        from storage import person_data

        async with Browser(base) as browser:
            await browser.sign_in(await sign_in_link(chat))
            async with app.db.unit_of_work() as session:
                await person_data.erase(session, boss.id, "Cán bộ đã xóa #1")
            assert (await browser.get("/"))[0] == 401
        async with app.db.read() as session:
            assert list(await session.scalars(select(WebSessionRow))) == []


async def test_a_post_from_another_site_is_refused_and_reviewers_and_administrators_get_links(config, db):
    async with web_app(config, db) as (app, sender, base):
        await add_staff(app, "Quản lý", ["manager"], "boss")
        await add_staff(app, "Người duyệt", ["reviewer"], "rev")
        await add_staff(app, "Quản trị", ["admin"], "it")
        link = await sign_in_link(Chat(app, sender, "boss"))
        async with Browser(base) as browser:
            for origin in ("https://evil.example", "null"):  # a link planted from another site, a sandboxed page
                async with browser.http.post(link, headers={"Origin": origin}) as response:
                    assert response.status == 403
            status, _, _ = await browser.post(link)  # the link was not spent: the person still signs in
            assert status == 200
            async with browser.http.post(base + "/ra", data={"csrf": browser.csrf},
                                         headers={"Origin": "https://evil.example"}) as response:
                assert response.status == 403
            assert (await browser.get("/"))[0] == 200
        for user in ("rev", "it"):
            async with Browser(base) as browser:
                await browser.sign_in(await sign_in_link(Chat(app, sender, user)))
                assert (await browser.get("/ban-ghi"))[0] == 200 and (await browser.get("/co-so"))[0] == 200


async def test_without_public_url_web_says_so_and_a_bad_tiles_address_is_refused(config, db, tmp_path):
    from bot.config import ConfigError, load_config
    from tests.conftest import REPO
    from tests.kit import make_app

    app, sender = await make_app(config, db)  # config.toml as shipped: public_url = ""
    await add_staff(app, "Quản lý", ["manager"], "boss")
    said = await Chat(app, sender, "boss").say("/web")
    assert "chưa được cấu hình" in said and "public_url" in said and "/vao/" not in said
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    for bad in ("tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org/tiles.png"):
        (tmp_path / "config.toml").write_text(text.replace('tiles_url = ""', f'tiles_url = "{bad}"'), encoding="utf-8")
        with pytest.raises(ConfigError, match=r"tiles_url phải là địa chỉ https://"):
            load_config(tmp_path / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")})
    good = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    (tmp_path / "config.toml").write_text(text.replace('tiles_url = ""', f'tiles_url = "{good}"'), encoding="utf-8")
    assert load_config(tmp_path / "config.toml", env={"FIELDBOT_DATA_DIR": str(tmp_path / "data")}).web.tiles_url == good

"""The month page over HTTP (issue 25), without a browser: its figures are the report's (the .docx it
gives for download), any period by typing, the roles of the page and its downloads, escaping, the PDF
when LibreOffice is there. The browser's view of it: tests/test_month_browser.py."""

from __future__ import annotations

import html
import io
import os
import re
import stat
import sys
import zipfile

from reports.demo import load_demo
from storage import people, records
from storage.domain import ROLES, WAITING, Activity, RecordMeta
from tests.kit import Chat, add_staff
from tests.month_support import report_figures
from tests.web_kit import Browser, sign_in_link, web_app

FIGURE = re.compile(r'data-key="([^"]+)">([^<]*)<')


def figures(body: str) -> dict[str, str]:
    return {key: html.unescape(value) for key, value in FIGURE.findall(body)}


async def signed_in(app, base: str, roles, user: str) -> Browser:
    """A browser signed in through /web as a manager, whose roles are then `roles` (a technician gets no
    link from /web; the roles are read at every request)."""
    staff = await add_staff(app, f"Cán bộ {user}", ["manager"], user)
    browser = Browser(base)
    await browser.sign_in(await sign_in_link(Chat(app, app.sender, user)))
    async with app.db.unit_of_work() as session:
        await people.set_roles(session, staff.id, roles)
    return browser


async def _download(browser: Browser, file: str, period: str, *, csrf: bool = True):
    form = {"ky": period, **({"csrf": browser.csrf} if csrf else {})}
    async with browser.http.post(f"{browser.base}/tai/{file}", data=form) as response:
        return response.status, await response.read(), dict(response.headers)


async def _app_with_demo(config, db):
    context = web_app(config, db)
    app, sender, base = await context.__aenter__()
    app.sender = sender
    boss = await add_staff(app, "Người nhập mẫu", ["clerk"], "clerk")
    await load_demo(app.db, app.config.catalogue, boss.id, locality="tỉnh Hưng Yên")
    return context, app, base


async def test_the_pages_figures_are_those_of_the_report_it_gives(config, db, tmp_path):
    context, app, base = await _app_with_demo(config, db)
    try:
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            status, body, headers = await browser.get("/")
            assert status == 200 and "Tổng quan tháng 01 năm 2023" in body and 'name="ky" value="01/2023"' in body
            assert "script-src 'self'" in headers["Content-Security-Policy"]
            page = figures(body)
            status, docx, headers = await _download(browser, "bao-cao.docx", "2023-01")
            assert status == 200 and docx.startswith(b"PK")
            assert headers["Content-Disposition"] == 'attachment; filename="BaoCao_KHCN_2023-01.docx"'
            (tmp_path / "r.docx").write_bytes(docx)
            printed = report_figures(tmp_path / "r.docx", {k.key: k.label for k in app.config.catalogue.licence_kinds})
            assert len(printed) >= 14 and {k: page.get(k) for k in printed} == printed
            assert page["calibration.verified"] == "781" and page["records.total"] == "50"
            status, xlsx, headers = await _download(browser, "du-lieu.xlsx", "2023-01")
            assert status == 200 and "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
            assert headers["Content-Disposition"] == 'attachment; filename="DuLieu_KHCN_2023-01.xlsx"'
    finally:
        await context.__aexit__(None, None, None)


async def test_any_period_as_people_type_it_and_a_wrong_one_in_one_sentence(config, db):
    context, app, base = await _app_with_demo(config, db)
    try:
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            status, body, _ = await browser.get("/?ky=quy 1/2023")
            assert status == 200 and "Tổng quan quý I năm 2023" in body
            assert 'data-period="2023-Q1"' in body and figures(body)["calibration.verified"] == "781"
            assert 'name="ky" value="Q1/2023"' in body
            status, body, _ = await browser.get("/?ky=2023")
            assert status == 200 and "Tổng quan năm 2023" in body and "Quý I năm 2023" not in body
            status, body, _ = await browser.get("/?ky=14/2023")
            assert status == 400
            assert "Kỳ báo cáo “14/2023” không hợp lệ. Vui lòng gõ tháng/năm (01/2023)" in html.unescape(body)
            assert 'value="14/2023"' in body and "Tổng quan tháng 01 năm 2023" in body  # kept; the current below
            status, body, _ = await browser.get("/?ky=03/2023")
            assert status == 400 and "chưa bắt đầu" in body
            status, body, _ = await browser.get("/?ky=12/2022")
            assert status == 200 and 'rel="next" href' not in body and "Tháng 01 năm 2023 ›" in body
    finally:
        await context.__aexit__(None, None, None)


async def test_who_sees_the_month_and_who_downloads(config, db):
    context, app, base = await _app_with_demo(config, db)
    try:
        async with await signed_in(app, base, ["technician"], "tech") as browser:
            status, body, _ = await browser.get("/")
            assert status == 403 and "data-key=" not in body
            assert (await _download(browser, "bao-cao.docx", "2023-01"))[0] == 403
        onlooker = "reviewer" if "reviewer" in ROLES else "admin"  # sees the month, is no manager (issue 24 adds reviewers)
        async with await signed_in(app, base, [onlooker], "rev") as browser:
            status, body, _ = await browser.get("/")
            assert status == 200 and 'data-key="calibration.verified">781<' in body
            assert "/tai/bao-cao.docx" not in body  # the report is the managers', as /baocao is
            assert (await _download(browser, "bao-cao.docx", "2023-01"))[0] == 403
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            await browser.get("/")
            assert (await _download(browser, "bao-cao.docx", "2023-01", csrf=False))[0] == 403
            assert (await _download(browser, "bao-cao.exe", "2023-01"))[0] == 404
            assert (await _download(browser, "bao-cao.docx", "14/2023"))[0] == 400
        async with Browser(base) as stranger:
            assert (await stranger.get("/"))[0] == 401
    finally:
        await context.__aexit__(None, None, None)


async def test_typed_text_is_escaped_on_the_page(config, db):
    context, app, base = await _app_with_demo(config, db)
    try:
        kind = next(k for k in app.config.catalogue.activity_kinds if k.detail == "sector")
        async with app.db.unit_of_work() as session:
            await records.add_activity(session, Activity(0, kind.key, app.clock.today(), 1, '<img src=x onerror="1">'),
                                       RecordMeta(recorded_by=1, channel="console"))  # fmt: skip
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            status, body, _ = await browser.get("/")
            assert status == 200 and "<img src=x" not in body and "&lt;img src=x onerror=&#34;1&#34;&gt;" in body
    finally:
        await context.__aexit__(None, None, None)


async def test_the_records_waiting_for_review_lead_to_the_list_of_them(config, db):
    context, app, base = await _app_with_demo(config, db)
    try:
        kind = app.config.catalogue.activity_kinds[0].key
        waiting = RecordMeta(recorded_by=1, channel="zalo", review=WAITING)  # as a capture form saves it
        async with app.db.unit_of_work() as session:
            added = await records.add_activity(session, Activity(0, kind, app.clock.today(), 2), waiting)
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            status, body, _ = await browser.get("/")
            assert status == 200 and figures(body)["review.waiting"] == "1"
            link = "/ban-ghi?loai=activity&amp;trangthai=waiting&amp;ky=2023-01"
            assert f'<a href="{link}">1</a>' in body
            status, listed, _ = await browser.get(html.unescape(link))
            assert status == 200 and f"/ban-ghi/activity/{added.id}" in listed
    finally:
        await context.__aexit__(None, None, None)


def _fake_office(folder, code: int = 0):
    """A stand-in `soffice` on PATH: writes a one-line PDF where LibreOffice would (or fails)."""
    script = folder / "soffice"
    script.write_text(
        f"#!{sys.executable}\nimport pathlib, sys\na = sys.argv\n"
        f"if {code}: sys.exit({code})\n"
        "out = pathlib.Path(a[a.index('--outdir') + 1]); out.mkdir(parents=True, exist_ok=True)\n"
        "(out / (pathlib.Path(a[-1]).stem + '.pdf')).write_bytes(b'%PDF-1.4 ' + pathlib.Path(a[-1]).read_bytes()[:2])\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


async def test_the_pdf_when_libreoffice_is_there(config, db, tmp_path, monkeypatch):
    context, app, base = await _app_with_demo(config, db)
    try:
        async with await signed_in(app, base, ["manager"], "boss") as browser:
            monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
            status, body, _ = await browser.get("/")
            assert "/tai/bao-cao.pdf" not in body and "LibreOffice" in body
            assert (await _download(browser, "bao-cao.pdf", "2023-01"))[0] == 404
            (tmp_path / "lo").mkdir()
            monkeypatch.setenv("PATH", str(_fake_office(tmp_path / "lo")) + os.pathsep + os.environ["PATH"])
            status, body, _ = await browser.get("/")
            assert "/tai/bao-cao.pdf" in body
            status, data, headers = await _download(browser, "bao-cao.pdf", "2023-01")
            assert status == 200 and data == b"%PDF-1.4 PK" and headers["Content-Type"] == "application/pdf"
            _fake_office(tmp_path / "lo", code=1)
            status, data, _ = await _download(browser, "bao-cao.pdf", "2023-01")
            assert status == 503 and "Không tạo được bản PDF" in data.decode()
    finally:
        await context.__aexit__(None, None, None)

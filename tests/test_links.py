"""Signed document links: work once issued, 410 after expiry, 404 when altered, cleaned up after."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote

import aiohttp
import pytest
from sqlalchemy import select

import texts
from bot.engine import Engine
from bot.links import DocumentLinks
from bot.web import WebServer, make_app
from storage.engine_store import aware
from storage.models import ScheduledJobRow, SignedLinkRow
from tests.kit import echo_handler

CONTENT = b"PK\x03\x04 not really a docx " + bytes(range(256)) * 40


@pytest.fixture
async def served(db, clock, tmp_path):
    """DocumentLinks on a real web server, at a public URL that is the server itself."""
    web_app = make_app()
    server = WebServer(web_app, "127.0.0.1", 0)
    links = DocumentLinks(db, clock, tmp_path / "documents", "", dt.timedelta(minutes=15))
    links.add_routes(web_app)
    await server.start()
    links.public_url = f"http://127.0.0.1:{server.port}/".rstrip("/")
    async with aiohttp.ClientSession() as http:
        yield links, http
    await server.stop()


def document(links: DocumentLinks, name: str = "report.docx", content: bytes = CONTENT):
    links.documents_dir.mkdir(parents=True, exist_ok=True)
    path = links.documents_dir / name
    path.write_bytes(content)
    return path


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes, Any]:
    async with http.get(url) as response:
        return response.status, await response.read(), response.headers


async def rows(db) -> list[SignedLinkRow]:
    async with db.read() as session:
        return (await session.scalars(select(SignedLinkRow))).all()


async def test_issued_link_downloads_the_file(served):
    links, http = served
    url = await links.issue(document(links), "BaoCao.docx")
    assert url.startswith(links.public_url + "/d/") and len(url.rsplit("/", 1)[1]) >= 43
    status, body, headers = await get(http, url)
    assert status == 200 and body == CONTENT
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert headers["Content-Disposition"].startswith('attachment; filename="BaoCao.docx"')
    assert headers["Cache-Control"] == "no-store"
    status, again, _ = await get(http, url)  # works as often as needed until it expires
    assert status == 200 and again == CONTENT


async def test_vietnamese_file_name_is_kept_per_rfc_5987(served):
    links, http = served
    name = "Báo cáo tháng 01-2023 Đợt 1.docx"
    status, _, headers = await get(http, await links.issue(document(links), name))
    disposition = headers["Content-Disposition"]
    assert status == 200
    assert 'filename="Bao cao thang 01-2023 Dot 1.docx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == name


async def test_link_fails_after_expiry_with_410(served, clock):
    links, http = served
    url = await links.issue(document(links), "BaoCao.docx")
    clock.advance(minutes=14, seconds=59)
    assert (await get(http, url))[0] == 200
    clock.advance(seconds=1)
    status, body, headers = await get(http, url)
    assert status == 410 and CONTENT not in body
    assert "hết hạn" in body.decode() and headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("where", [0, 10, -1])
async def test_altered_token_is_404(served, where):
    links, http = served
    url = await links.issue(document(links), "BaoCao.docx")
    base, token = url.rsplit("/", 1)
    changed = "A" if token[where] != "A" else "B"
    altered = token[:where] + changed + (token[where + 1:] if where != -1 else "")
    status, body, _ = await get(http, f"{base}/{altered}")
    assert status == 404 and CONTENT not in body


@pytest.mark.parametrize("token", ["x", "../../etc/passwd", "A" * 43, "%2e%2e%2fsecret"])
async def test_unknown_or_malformed_token_is_404(served, token):
    links, http = served
    document(links)
    status, _, _ = await get(http, f"{links.public_url}/d/{token}")
    assert status == 404


async def test_issue_schedules_one_cleanup_job_at_expiry(served, db, clock):
    links, _ = served
    await links.issue(document(links), "BaoCao.docx")
    [row] = await rows(db)
    async with db.read() as session:
        [job] = (await session.scalars(select(ScheduledJobRow))).all()
    assert job.key == f"links.cleanup:{row.id}" and job.kind == "links.cleanup"
    assert aware(job.due_at) == clock.now() + dt.timedelta(minutes=15)
    assert row.token_hash not in (await links.issue(document(links), "b.docx"))  # the URL carries no hash


async def test_cleanup_job_deletes_the_file_and_the_link_says_expired_until_forgotten(served, db, clock):
    links, http = served
    path = document(links)
    url = await links.issue(path, "BaoCao.docx")
    engine = Engine(db, echo_handler, clock)
    engine.job_handlers["links.cleanup"] = links.cleanup_job
    assert await engine.run_jobs_once() == 0  # not due yet
    assert path.exists() and len(await rows(db)) == 1
    clock.advance(minutes=15)
    assert await engine.run_jobs_once() == 1
    assert not path.exists() and len(await rows(db)) == 1
    status, body, headers = await get(http, url)  # expired and cleaned up: still 410, with a page saying why
    assert status == 410 and headers["Content-Type"].startswith("text/html")
    assert texts.common.PAGE_EXPIRED[0] in body.decode() and "/baocao" in body.decode()
    assert await engine.run_jobs_once() == 0  # the job ran once
    clock.advance(days=30)
    await links.issue(document(links, "b.docx"), "b.docx")
    clock.advance(minutes=15)
    assert await engine.run_jobs_once() == 1  # the next cleanup forgets links expired 30 days ago
    assert (await get(http, url))[0] == 404  # now simply unknown


async def test_cleanup_keeps_a_file_another_live_link_still_opens(served, db, clock):
    links, http = served
    path = document(links)
    first = await links.issue(path, "BaoCao.docx")
    clock.advance(minutes=10)
    second = await links.issue(path, "BaoCao.docx")
    clock.advance(minutes=5)
    async with db.unit_of_work() as session:
        await links.cleanup_job(session, None, clock.now())
    assert path.exists() and (await get(http, first))[0] == 410
    assert (await get(http, second))[1] == CONTENT
    clock.advance(minutes=10)
    async with db.unit_of_work() as session:
        await links.cleanup_job(session, None, clock.now())
    assert not path.exists() and len(await rows(db)) == 2


async def test_cleanup_never_deletes_files_outside_the_documents_folder(served, db, clock, tmp_path):
    links, _ = served
    outside = tmp_path / "elsewhere" / "BaoCao.docx"
    outside.parent.mkdir()
    outside.write_bytes(CONTENT)
    await links.issue(outside, "BaoCao.docx")
    clock.advance(minutes=16)
    async with db.unit_of_work() as session:
        assert await links.cleanup_job(session, None, clock.now()) == []
    assert outside.read_bytes() == CONTENT and len(await rows(db)) == 1


async def test_a_link_whose_file_vanished_is_404(served):
    links, http = served
    path = document(links)
    url = await links.issue(path, "BaoCao.docx")
    path.unlink()
    assert (await get(http, url))[0] == 404


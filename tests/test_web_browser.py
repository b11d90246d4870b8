"""The records in a real browser (issue 25): Debian's chromium through chromium-driver and Selenium,
headless, one browser for the module. The app runs as `main.py run` runs it (both channels against the
fakes of Telegram and Zalo, the web server with the web view). A manager asks /web on Telegram and opens
the link from that chat; filters the records; opens an inspection and sees its photo (loaded by the
browser), its coordinates and its place on a map drawn by Leaflet from a local tile server; screenshots of
the record page at a desktop's width and a 390-pixel phone's are written under the test's temporary
folder (the page must not scroll sideways on the phone); then returns it with a comment, and the notice
arrives in the inspector's Zalo chat on the fake. Skipped when chromium is not installed."""

from __future__ import annotations

import asyncio
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from aiohttp import web

from tests.channels_kit import free_port, running_world
from tests.web_data import a_month

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed")
LINK = re.compile(r"https?://\S+/vao/[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=vi", "--hide-scrollbars", "--window-size=1280,900",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    except Exception as error:  # noqa: BLE001 - a browser that cannot start here: say why, do not fail
        pytest.skip(f"chromium did not start: {type(error).__name__}: {str(error).splitlines()[0]}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _png(size: int = 256) -> bytes:
    """A plain light-grey PNG tile."""
    raw = b"".join(b"\x00" + b"\xdd\xdd\xdd" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class TileServer:
    """Map tiles on a local port, counting the requests (the browser must fetch them itself)."""

    def __init__(self):
        self.port, self.asked = free_port(), []
        self.tile = _png()

    async def __aenter__(self):
        app = web.Application()
        app.router.add_get("/{z}/{x}/{y}.png", self.serve)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc):
        await self.runner.cleanup()

    async def serve(self, request: web.Request) -> web.Response:
        self.asked.append(request.path)
        return web.Response(body=self.tile, content_type="image/png")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"


# --- what the person does in the browser (Selenium blocks: each step runs in a thread) ----------------


def _wait(driver, condition, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def sign_in(driver, link: str, base: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(link)
    driver.find_element(By.ID, "sign-in").click()
    _wait(driver, ec.url_to_be(base + "/"))
    return driver.find_element(By.CSS_SELECTOR, "header .who span").text


def filter_records(driver, base: str, kind_label: str, search: str) -> list[str]:
    """The records page, a kind chosen and words typed (without diacritics), the list it shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select

    driver.find_element(By.LINK_TEXT, "Bản ghi").click()
    _wait(driver, ec.url_to_be(base + "/ban-ghi"))
    Select(driver.find_element(By.ID, "f-kind")).select_by_visible_text(kind_label)
    driver.find_element(By.ID, "f-search").send_keys(search)
    driver.find_element(By.ID, "f-apply").click()
    _wait(driver, ec.url_contains("q="))
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table.records tbody tr")]


def open_first(driver) -> dict:
    """The first record of the list: its card, coordinates, photo as loaded, map as drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.find_element(By.CSS_SELECTOR, "table.records tbody tr a").click()
    _wait(driver, ec.presence_of_element_located((By.ID, "card")))
    _wait(driver, lambda d: d.execute_script("return [...document.images].every(i => i.complete)"))
    _wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, "#map[data-ready] .leaflet-tile-loaded")))
    photo = driver.find_element(By.CSS_SELECTOR, ".photos img")
    return {
        "url": driver.current_url, "heading": driver.find_element(By.TAG_NAME, "h1").text,
        "card": driver.find_element(By.ID, "card").text, "coordinates": driver.find_element(By.ID, "coordinates").text,
        "photo_width": driver.execute_script("return arguments[0].naturalWidth", photo),
        "markers": len(driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-marker-icon")),
        "tiles": len(driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-tile-loaded")),
        "console": [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"],
    }  # fmt: skip


def screenshots(driver, folder: Path) -> dict:
    """The record page at 1280 and at 390 pixels wide, whole; how wide the phone's page is."""
    shots = {}
    for name, width in (("record-desktop.png", 1280), ("record-phone.png", 390)):
        driver.set_window_size(width, 800)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + 120, 6000))
        driver.save_screenshot(str(folder / name))
        shots[name] = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    driver.set_window_size(1280, 900)
    return shots


def return_with(driver, comment: str) -> str:
    """On the record's page: the comment typed, "Trả lại để bổ sung" pressed; the sentence the page then shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.find_element(By.ID, "comment").send_keys(comment)
    driver.find_element(By.ID, "return").click()
    return _wait(driver, ec.presence_of_element_located((By.ID, "result"))).text


async def test_a_manager_signs_in_from_telegram_and_opens_an_inspection(browser, tmp_path):
    async with TileServer() as tiles, running_world(tmp_path, tiles_url=tiles.url,
                                                    tiles_attribution="© Bản đồ thử") as world:
        config = world.app.config
        boss = await world.add_staff("Trần Thị Giám Đốc", ["manager"], telegram=501)
        inspector = await world.add_staff("Nguyễn Văn Thanh Tra", ["inspector"], zalo="zalo-insp")
        technician = await world.add_staff("Lê Kỹ Thuật", ["technician"], zalo="zalo-tech")
        m = await a_month(world.app, config.general.data_dir / "media", (boss, inspector, technician))
        update = world.telegram.user_command(501, "web", "")
        await world.handled("telegram", str(update["update_id"]))
        said = world.telegram.messages(501)[-1].text
        link = LINK.search(said).group(0)
        base = config.web.public_url

        assert await asyncio.to_thread(sign_in, browser, link, base) == "Đang đăng nhập: Trần Thị Giám Đốc"
        rows = await asyncio.to_thread(filter_records, browser, base, "Kết quả kiểm tra", "dong tam")
        assert len(rows) == 1 and "Cửa hàng xăng dầu Đồng Tâm" in rows[0] and "Chờ duyệt" in rows[0]
        seen = await asyncio.to_thread(open_first, browser)
        assert seen["url"] == f"{base}/ban-ghi/inspection/{m.visit.id}"
        assert "Người kiểm tra: Nguyễn Văn Thanh Tra" in seen["card"]
        assert seen["coordinates"].endswith("20.942100, 105.952300")
        assert seen["photo_width"] > 0  # the browser decoded the photo it was served
        assert seen["markers"] == 1 and seen["tiles"] > 0 and tiles.asked
        assert seen["console"] == []  # nothing refused by the CSP, no script error
        shots = await asyncio.to_thread(screenshots, browser, tmp_path)
        assert (tmp_path / "record-desktop.png").stat().st_size > 10_000
        assert (tmp_path / "record-phone.png").stat().st_size > 10_000
        width, window = shots["record-phone.png"]
        assert width <= window, f"the phone's page scrolls sideways: {width} > {window}"

        comment = "Thiếu ảnh tem kiểm định cột bơm số 2"
        assert "Đã trả lại bản ghi" in await asyncio.to_thread(return_with, browser, comment)
        await world.zalo.wait_until(lambda: any(comment in (s.text or "") for s in world.zalo.sent("zalo-insp")), 15,
                                    "the author's notice on Zalo")
        notice = next(s.text for s in world.zalo.sent("zalo-insp") if comment in (s.text or ""))
        assert "Cửa hàng xăng dầu Đồng Tâm" in notice and "Trần Thị Giám Đốc" in notice

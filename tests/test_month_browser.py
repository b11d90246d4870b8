"""The month page in a real browser (issue 25): Debian's chromium through chromium-driver and Selenium,
headless. Sign in through the link /web sent to the chat, read the month's figures off the page and
hold them against the report's .docx of the same period (and the one its download button gives),
choose a quarter by typing it, and take screenshots at a desktop's width and a 390-pixel phone's, and
as printed (under the test's temporary folder; the page must not scroll sideways on the phone, and
prints without its menu, chooser and buttons). One test: CI's time is counted."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from reports.demo import load_demo
from reports.periods import parse_period
from reports.service import generate_report
from tests.kit import Chat, add_staff
from tests.month_support import report_figures
from tests.test_report_support import model_settings
from tests.web_kit import sign_in_link, web_app

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed")


def _browser(width: int, height: int, downloads: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=vi",
                f"--window-size={width},{height}", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})  # fmt: skip
    try:
        return webdriver.Chrome(service=Service(DRIVER), options=options)
    except Exception as error:  # noqa: BLE001 - a browser that cannot start here: say why, do not fail
        pytest.skip(f"chromium did not start: {type(error).__name__}: {str(error).splitlines()[0]}")


def _screenshot(driver, path: Path, width: int) -> None:
    """The whole page at this width: the window made as tall as the page, then one picture."""
    driver.set_window_size(width, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 100, 8000))
    driver.save_screenshot(str(path))


def _drive(link: str, base: str, shots: Path) -> dict:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    downloads = shots / "downloads"
    downloads.mkdir()
    driver = _browser(1280, 900, downloads)
    try:
        driver.get(link)
        driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(driver, 20).until(ec.url_to_be(base + "/"))
        seen = {"title": driver.find_element(By.TAG_NAME, "h1").text}
        seen["figures"] = {e.get_attribute("data-key"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-key]")}
        seen["charts"] = [e.size["width"] for e in driver.find_elements(By.CSS_SELECTOR, "svg.chart")]
        _screenshot(driver, shots / "month-desktop.png", 1280)
        _screenshot(driver, shots / "month-phone.png", 390)
        seen["phone"] = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " Math.max(...[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width))]"
        )
        driver.find_element(By.CSS_SELECTOR, 'button[data-file="bao-cao.docx"]').click()  # a POST with its token
        WebDriverWait(driver, 60).until(lambda _: (downloads / "BaoCao_KHCN_2023-01.docx").is_file()
                                        and not list(downloads.glob("*.crdownload")))  # fmt: skip
        seen["docx"] = downloads / "BaoCao_KHCN_2023-01.docx"
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        seen["printed"] = [e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, "form.chooser, .downloads, header nav")]
        seen["printed_chart"] = driver.find_element(By.CSS_SELECTOR, "svg.chart").is_displayed()
        seen["printed_review"] = driver.find_element(By.CSS_SELECTOR, "table.review-states").is_displayed()
        _screenshot(driver, shots / "month-print.png", 1000)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        field = driver.find_element(By.NAME, "ky")
        field.clear()
        field.send_keys("quy 1 2023")
        field.submit()
        WebDriverWait(driver, 20).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "quý I"))
        seen["quarter"] = driver.find_element(By.TAG_NAME, "h1").text
        seen["quarter_figure"] = driver.find_element(By.CSS_SELECTOR, '[data-key="calibration.verified"]').text
        return seen
    finally:
        driver.quit()


async def test_the_month_in_a_browser_is_the_report(config, sqlite_db, tmp_path):
    async with web_app(config, sqlite_db) as (app, sender, base):
        clerk = await add_staff(app, "Người nhập mẫu", ["clerk"], "clerk")
        await load_demo(app.db, app.config.catalogue, clerk.id, locality="tỉnh Hưng Yên")
        await add_staff(app, "Trần Thị Giám Đốc", ["manager"], "boss")
        link = await sign_in_link(Chat(app, sender, "boss"))
        seen = await asyncio.to_thread(_drive, link, base, tmp_path)
        period = parse_period("2023-01")
        docx = (await generate_report(app.db, app.config.catalogue, model_settings(), period, tmp_path / "r.docx")).path
    labels = {k.key: k.label for k in app.config.catalogue.licence_kinds}
    printed = report_figures(docx, labels)
    assert report_figures(seen["docx"], labels) == printed  # the .docx the page's button gave: the same figures
    assert seen["title"] == "Tổng quan tháng 01 năm 2023"
    assert len(printed) >= 14 and {k: seen["figures"].get(k) for k in printed} == printed
    assert seen["quarter"] == "Tổng quan quý I năm 2023" and seen["quarter_figure"] == printed["calibration.verified"]
    assert len(seen["charts"]) == 2 and all(w >= 300 for w in seen["charts"])
    scroll, inner, chart = seen["phone"]
    assert scroll <= inner == 390 and 300 <= chart <= 390  # nothing wider than the phone; the charts fill it
    assert seen["printed"] == [False, False, False] and seen["printed_chart"] and seen["printed_review"]
    for name in ("month-desktop.png", "month-phone.png", "month-print.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshots: {tmp_path / 'month-desktop.png'} {tmp_path / 'month-phone.png'}")

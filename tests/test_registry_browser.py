"""The registry pages in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
served by `s4c serve` on 127.0.0.1 from a seeded data directory."""
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from waiting import wait_until

from web.wiring.settings import DEFAULT_ISSUER_NAME

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
S4C_ENV = ("S4C_DATA_DIR", "S4C_PUBLIC_URL", "S4C_KEY_PASSPHRASE", "DATABASE_URL")
S4C = [sys.executable, "-c", "from web.cli import main; main(prog_name='s4c')"]


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    def answers() -> bool:
        if server.poll() is not None:
            pytest.fail(f"s4c serve exited early:\n{server.communicate()[0]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except OSError:  # not listening yet, or a worker still starting (a read timeout)
            return False
    wait_until(answers, f"s4c serve answering {url}", timeout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("registry-browser") / "data"
    env = {k: v for k, v in os.environ.items() if k not in S4C_ENV}
    seeded = subprocess.run([*S4C, "--data-dir", str(data_dir), "registry", "seed-demo"],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    port = _free_port()
    process = subprocess.Popen(
        [*S4C, "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/registry/", process)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=15)


def test_the_list_page_shows_the_demo_body_in_chromium(browser, server: str):
    page = browser.new_page(locale="bg-BG")
    try:
        page.goto(f"{server}/registry/")
        assert page.locator("h1").inner_text() == "Акредитирани сертифициращи органи"
        body = page.locator("article.body").first
        assert DEFAULT_ISSUER_NAME in body.inner_text()
        page.fill("input[name=q]", "no such body")
        page.click("button[type=submit]")
        page.wait_for_url("**q=no+such+body**")
        expect(page.locator("article.body")).to_have_count(0)
        page.goto(f"{server}/registry/?lang=en&q=NAVET")
        assert page.locator("article.body h2").first.inner_text().startswith(
            DEFAULT_ISSUER_NAME)
        expect(page.locator("article.body tbody tr")).to_have_count(2)
    finally:
        page.close()


def test_the_role_page_shows_five_countries_in_chromium(browser, server: str):
    page = browser.new_page()
    try:
        page.goto(f"{server}/registry/?lang=de")
        page.click("a.role-link >> nth=1")  # the second role: Smart City Project Manager
        assert page.locator("h1").inner_text() == "Smart-City-Projektmanager"
        rows = page.locator("tr.recognition")
        expect(rows).to_have_count(5)
        countries = [rows.nth(i).get_attribute("data-country") for i in range(5)]
        assert sorted(countries) == ["AT", "BG", "ES", "GR", "RO"]
        assert "Österreich" in page.locator("table.recognitions").inner_text()
        assert "NQR 6" in rows.nth(countries.index("AT")).inner_text()
    finally:
        page.close()

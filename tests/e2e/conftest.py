"""Shared browser-test machinery: the app served by `streamlit run` on a free port, and Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

REQUIRED = os.environ.get("GUIDECHECK_REQUIRE_BROWSER") == "1"  # set by .ci/run: never skip there
try:
    import playwright.sync_api as playwright
except ImportError:
    if REQUIRED:
        raise
    pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)", allow_module_level=True)
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    if REQUIRED:
        raise RuntimeError("GUIDECHECK_REQUIRE_BROWSER=1 but Chromium is not installed")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_process(*args: str, port: int | None = None, **env):
    """Run the app on a free port (or ``port``) with extra environment (and extra `streamlit run`
    options); yield (its URL, the server process)."""
    port = port or free_port()
    full = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1", *args], cwd=ROOT,
                            env=full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("the app did not start: " + proc.stderr.read().decode()[-2000:])
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def serve(port: int | None = None, **env):
    """Run the app on a free port (or ``port``) with extra environment; yield its URL."""
    with serve_process(port=port, **env) as (url, _):
        yield url


@pytest.fixture(scope="module")
def server():
    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def shot(page, folder, name: str) -> None:
    """The whole page: Streamlit scrolls an inner container, so grow the window to its height first."""
    height = page.evaluate("(document.querySelector('[data-testid=stMain]') || document.body).scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def settle(page, timeout: int = 30000) -> None:
    """Wait until the app has finished running its script (a click during a rerun can land on
    an element that is about to be replaced)."""
    page.wait_for_timeout(200)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)

"""Real-browser harness: a loopback server for a folder, the system's headless Chromium driven by Selenium, pytest
fixtures on both, and full-page screenshots. Its fixtures reach every test through tests/conftest.py
(``pytest_plugins``); its helpers are imported (``from browser import serve_directory``), also by
speed-scripts/site.py, which puts this folder on sys.path.

Chromium and its driver are Debian's packages (``make browser``, which ``make test`` runs). Both paths are given to
Selenium explicitly, so Selenium Manager never runs and nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any

import pytest

from llm_catalog.site.serve import folder_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots; ignored by git
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"  # `make browser` installs it
WINDOW = (1400, 1000)
MAX_SCREENSHOT_HEIGHT = 8000
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",  # root, and in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",  # a small /dev/shm (containers) crashes tabs; /tmp instead
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)  # and --window-size, --user-data-dir


@contextlib.contextmanager
def serve_directory(path: str | PathLike[str]) -> Iterator[str]:
    """Serve the files under ``path`` on 127.0.0.1 (a free port) from a daemon thread, with the server
    `llm-catalog site --serve` uses; yields the base URL, ending in ``/``. Shut down and closed on exit."""
    server = folder_server(Path(path).resolve())
    thread = threading.Thread(target=server.serve_forever, name=f"serve {path}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium(window: tuple[int, int] = WINDOW, page_load_timeout: float = 60) -> Iterator[Any]:
    """A Selenium Chrome WebDriver on the system's headless Chromium, with a fresh profile in a temporary folder
    (removed afterwards) and the browser console's log kept for :func:`console_errors`. Quits on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.is_file():
            raise FileNotFoundError(f"{binary} is missing: `make browser` installs Chromium and its driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    options.add_argument(f"--window-size={window[0]},{window[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    profile = tempfile.mkdtemp(prefix="llm-catalog-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = None
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER), log_output=subprocess.DEVNULL), options=options)
        driver.set_page_load_timeout(page_load_timeout)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for_js(driver: Any, script: str, *args: Any, timeout: float = 30) -> Any:
    """Run ``script`` (a function body: ``return ...``) until it returns something other than null, undefined or
    false, and return that; raises selenium's TimeoutException after ``timeout`` seconds."""
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d: Any) -> Any:
        value = d.execute_script(script, *args)
        return value if value is not None and value is not False else False

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(ready)


def attribute_of_each(driver: Any, selector: str, name: str) -> list[str | None]:
    """The attribute ``name`` of each element ``selector`` finds, in document order: what
    ``[e.get_attribute(name) for e in driver.find_elements(By.CSS_SELECTOR, selector)]`` gives for a plain attribute,
    in one WebDriver call rather than one per element (an index sorted or filtered draws hundreds of rows)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]))", selector, name
    )


def console_errors(driver: Any) -> list[str]:
    """The browser console's SEVERE messages (uncaught exceptions, failed loads) since the last call, less the
    browser's own request for a /favicon.ico that the page never asked for."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not entry["message"].split(" ", 1)[0].endswith("/favicon.ico")
    ]


def screenshot(driver: Any, name: str) -> Path:
    """Save a PNG of the whole page (the window stretched to the page's height, at most 8,000 px) as
    tests/artifacts/NAME.png and return its path; the window's size is restored afterwards."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
    size = driver.get_window_size()
    # the window's height counts the headless browser's own frame too (outer minus inner height)
    page, frame = driver.execute_script(
        "return [Math.max(document.body ? document.body.scrollHeight : 0, document.documentElement.scrollHeight),"
        " window.outerHeight - window.innerHeight]"
    )
    try:
        driver.set_window_size(size["width"], min(max(int(page) + int(frame), size["height"]), MAX_SCREENSHOT_HEIGHT))
        if not driver.save_screenshot(str(target)):
            raise OSError(f"could not write {target}")
    finally:
        driver.set_window_size(size["width"], size["height"])
    return target


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the test module (a module-scoped fixture is built once per module importing it)."""
    with chromium() as driver:
        yield driver


@pytest.fixture
def artifact_dir() -> Path:
    """tests/artifacts/, created on demand: where screenshots and other files to look at after a run go."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def axe_violations(driver: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's accessibility check of the page the driver shows: each violation of the given impacts as
    {id, impact, help, nodes (the first few targets)}; empty when the page passes. axe-core is injected from
    node_modules (``make browser`` runs ``npm ci``), so the page itself ships nothing of it."""
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: `make browser` installs axe-core from package-lock.json")
    driver.execute_script(AXE.read_text())
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations), (e) => done(String(e)));"
    )
    if isinstance(result, str):
        raise RuntimeError(f"axe-core failed on {driver.current_url}: {result}")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result
        if v["impact"] in impacts
    ]

"""The real-browser harness (tests/browser.py): a folder served over loopback, a page in headless Chromium that is
clicked and read back, text that looks like markup staying text, and a full-page screenshot."""

import urllib.request

import pytest
from browser import console_errors, screenshot, serve_directory, wait_for_js
from selenium.webdriver.common.by import By

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>harness</title></head>
<body>
<button id="go">Go</button>
<p id="out">waiting</p>
<ul id="list"></ul>
<script>
document.getElementById("go").addEventListener("click", () => {
  document.getElementById("out").textContent = "clicked";
  const item = document.createElement("li");
  item.textContent = "<script>window.injected = true</" + "script><b>bold</b>";
  document.getElementById("list").append(item);
});
window.wired = performance.now();
</script>
</body></html>
"""


def test_serve_directory_serves_the_folder_and_closes(tmp_path):
    (tmp_path / "a.txt").write_text("from the folder")
    with serve_directory(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        with urllib.request.urlopen(base + "a.txt", timeout=5) as response:
            assert response.read() == b"from the folder"
            assert response.headers["Cache-Control"] == "no-store"
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "a.txt", timeout=5)


def test_click_changes_the_dom_and_markup_in_text_stays_text(tmp_path, browser, artifact_dir):
    (tmp_path / "index.html").write_text(PAGE)
    with serve_directory(tmp_path) as base:
        browser.get(base + "index.html")
        assert wait_for_js(browser, "return window.wired") > 0
        assert browser.find_element(By.ID, "out").text == "waiting"
        browser.find_element(By.ID, "go").click()
        wait_for_js(browser, "return document.getElementById('out').textContent === 'clicked'", timeout=5)
        item = browser.find_element(By.CSS_SELECTOR, "#list li")
        assert item.text == "<script>window.injected = true</script><b>bold</b>"
        assert item.find_elements(By.CSS_SELECTOR, "*") == []  # no element was made of it
        assert browser.execute_script("return window.injected") is None
        assert console_errors(browser) == []
        shot = screenshot(browser, "browser_harness")
    assert shot.parent == artifact_dir
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Headless Debian chromium driven by Playwright's sync API (no bundled browser is downloaded).

    with launch_chromium() as browser:
        page = browser.new_page()
        watch = ConsoleWatch(page)
        page.goto(url)
        save_screenshot(page, "ask")        # test-artifacts/screenshots/ask.png
        assert not watch.errors

`chromium_path()` is KEPU_CHROMIUM or the `chromium` on PATH (Debian package `chromium`, installed
by `make system-deps`); tests skip with a clear reason when neither exists.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def chromium_path() -> str | None:
    explicit = os.environ.get("KEPU_CHROMIUM", "").strip()
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def launch_chromium(executable: str | None = None) -> Iterator:
    """A headless chromium Browser; closed (with Playwright) on exit."""
    from playwright.sync_api import sync_playwright

    executable = executable or chromium_path()
    if not executable:
        raise RuntimeError("no chromium found: install the Debian package `chromium` (make system-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


class ConsoleWatch:
    """Collects console errors, page errors (uncaught exceptions) and CSP violations of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


# ---------------------------------------------------------------- reading HTML without a browser


class _Tables(HTMLParser):
    def __init__(self, css_class: str | None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.depth = 0  # > 0 inside a matching table
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth or self.css_class is None or self.css_class in (attrs.get("class") or "").split():
                self.depth += 1
        elif self.depth and tag == "tbody":
            self._in_body = True
        elif self.depth and self._in_body and tag == "tr":
            self.rows.append([])
        elif self.depth and self._in_body and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, css_class: str | None = None) -> list[list[str]]:
    """The body rows (cell texts) of the tables with `css_class` in a page."""
    parser = _Tables(css_class)
    parser.feed(html)
    return parser.rows

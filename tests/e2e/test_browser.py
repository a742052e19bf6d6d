"""`rosterdeck --demo serve` in a real browser (headless Chromium): a fresh page answers the
keyboard without a click, from the accounts screen to a group's members, with and without a
token."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.serving import Served

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A screen can take a while to come on a busy machine; a wait ends as soon as it shows.
SCREEN_WAIT_MS = 60_000

# textual.js keeps its xterm.js terminal to itself and draws on a canvas, so the page has no
# text to read. The test's copy of textual.js also hangs the terminal on its element, to read
# what the terminal holds from its buffer; nothing else about the page changes.
TERMINAL_OPENS = "this.terminal.open(e)"
TERMINAL_KEPT = "this.terminal.open(e),e.xterm=this.terminal"
SCREEN_TEXT = """() => {
  const terminal = document.querySelector("#terminal")?.xterm;
  if (!terminal) return "";
  const buffer = terminal.buffer.active, lines = [];
  for (let row = 0; row < terminal.rows; row++) {
    lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? "");
  }
  return lines.join("\\n");
}"""


def chromium_or_skip() -> None:
    """Skipped where Chromium is not installed, except in CI, where it must be."""
    missing = []
    if shutil.which(CHROMIUM) is None:
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("Playwright (pip install -e '.[test]')")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Debian's Chromium, driven by Playwright, on a fresh profile."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 700},
        )
        try:
            yield context
        finally:
            context.close()


def keep_the_terminal(route: Route) -> None:
    served = route.fetch()
    script = served.text()
    assert TERMINAL_OPENS in script, "textual.js no longer opens its terminal as expected"
    route.fulfill(response=served, body=script.replace(TERMINAL_OPENS, TERMINAL_KEPT, 1))


def shows(page: Page, text: str) -> None:
    """Waits until the page's terminal shows `text`."""
    try:
        page.wait_for_function(
            f"(text) => ({SCREEN_TEXT})().includes(text)", arg=text, timeout=SCREEN_WAIT_MS
        )
    except Exception as error:
        raise AssertionError(
            f"the page never showed {text!r}; it shows:\n{page.evaluate(SCREEN_TEXT)}"
        ) from error


@pytest.mark.parametrize("token", [False, True], ids=["no-token", "require-token"])
def test_a_fresh_page_answers_the_keyboard_without_a_click(
    browser: BrowserContext, serve: Callable[..., Served], token: bool
) -> None:
    served = serve("--require-token") if token else serve()
    assert ("?token=" in served.url) is token
    page = browser.new_page()
    page.route("**/static/js/textual.js", keep_the_terminal)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.url)  # the URL it printed, as a person would open it
    assert page.title() == "RosterDeck demo"
    shows(page, "Accounts — choose one and press enter")
    shows(page, "sandbox-rasl")
    page.keyboard.press("Enter")  # no click first: the terminal has had focus since the load
    shows(page, "sandbox-rasl (RASL) — groups and lists")
    shows(page, "Spring Open Day")
    page.keyboard.press("Enter")
    shows(page, "sandbox-rasl › Spring Open Day")
    shows(page, "0 marked · 120 shown · 120 total")
    assert served.apps(), "the tab's app runs on the server"
    assert errors == [], "the page loads without an error in its console"

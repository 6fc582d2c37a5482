"""The inbox page in a real browser (Debian's Chromium, driven by Playwright): live, right-to-left where it
should be, searchable, deletable, and a screenshot of it under reports/.

`make test` installs Chromium (scripts/system_deps.sh); where it cannot be had, the test says why and skips.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sms_client import SmsClient
from sms_mock import MockSettings
from sms_mock.server import MockServer
from sms_mock.testing import MockHandle

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPORTS = Path(__file__).resolve().parents[2] / "reports"
SENDER = "+983000505"
PERSIAN = "کد ورود شما ۴۸۲۱ است 🔐 خوش آمدید"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Chromium is not installed: `make test` installs Debian's chromium (scripts/system_deps.sh, as root)",
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockHandle]:
    settings = MockSettings(patterns={"login": "%name% عزیز، کد ورود شما: %code%"})
    with MockServer(settings) as server, MockHandle(server.base_url, server.token) as handle:
        yield handle


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, mock: MockHandle) -> Iterator[Any]:
    mock.reset()
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    opened = context.new_page()
    opened.goto(mock.base_url + "/")  # the root sends a browser to the inbox
    opened.wait_for_selector('#status[data-state="live"]')
    yield opened
    context.close()


def _send(mock: MockHandle, recipient: str, text: str, **options: Any) -> int:
    with SmsClient(mock.token, base_url=mock.base_url) as sms:
        return sms.send(SENDER, recipient, text, **options).outbox_id


def test_a_send_appears_live_right_to_left_and_can_be_copied_searched_and_deleted(page: Any, mock: MockHandle) -> None:
    assert page.url.endswith("/_mock/")
    assert page.locator("#summary").inner_text().startswith("No message yet")
    persian = _send(mock, "+989121234567", PERSIAN)
    english = _send(mock, "+989350000000", "Your code is 7315", send_at=datetime.now(UTC) + timedelta(hours=2))
    with SmsClient(mock.token, base_url=mock.base_url) as sms:
        sms.send_pattern(SENDER, "+989121234567", "login", {"name": "مریم", "code": "5566"})
    # Live: pushed by the mock, no reload.
    page.wait_for_selector(f'#messages li.message[data-id="{english}"]')
    page.wait_for_selector("li.message >> nth=2")
    texts = page.locator("#messages li.message .text")
    assert texts.count() == 3
    persian_text = page.locator(f'#messages li.message[data-id="{persian}"] .text')
    assert persian_text.inner_text() == PERSIAN  # emoji and Persian digits intact
    assert persian_text.evaluate("e => getComputedStyle(e).direction") == "rtl"
    english_text = page.locator(f'#messages li.message[data-id="{english}"] .text')
    assert english_text.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"  # per message, not the page
    meta = page.locator(f'#messages li.message[data-id="{english}"] .meta').inner_text()
    assert "UTC" in meta
    assert "Tehran" in meta
    pattern = page.locator("#messages li.message").first
    assert "مریم عزیز، کد ورود شما: 5566" in pattern.locator(".text").inner_text()
    assert "login" in pattern.locator(".pattern").inner_text()
    REPORTS.mkdir(exist_ok=True)
    page.evaluate("document.querySelectorAll('.fresh').forEach(e => e.classList.remove('fresh'))")
    page.screenshot(path=str(REPORTS / "inbox.png"), full_page=True)
    # Copy the code in one click.
    pattern.locator("button.copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == "5566"
    page.locator(f'#messages li.message[data-id="{persian}"] button.copy').click()
    assert page.evaluate("navigator.clipboard.readText()") == "4821"
    # By recipient, like a phone's conversation view.
    page.get_by_role("radio", name="By recipient").check()
    assert page.locator("#conversation-view section.conversation").count() == 2
    page.get_by_role("radio", name="Newest first").check()
    # Search by number, then by text; filter by type.
    page.fill("#q", "۰۹۱۲۱۲۳۴۵۶۷"[-7:])  # a part of the number, in Persian digits
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 2")
    page.fill("#q", "Your code")
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 1")
    page.fill("#q", "")
    page.select_option("#type", "pattern")
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 1")
    page.select_option("#type", "")
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 3")
    # Delete one, then all.
    page.locator(f'#messages li.message[data-id="{english}"] button.delete').click()
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 2")
    assert mock.message(english) is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#delete-all").click()
    page.wait_for_function("document.querySelectorAll('#messages li.message').length === 0")
    assert mock.count() == 0


def test_faults_are_shown_and_switched_from_the_page(page: Any, mock: MockHandle) -> None:
    page.locator("#faults-panel summary").click()
    assert page.input_value("#failure-rate") == "0"
    page.fill("#latency-min", "5")
    page.fill("#latency-max", "20")
    page.fill("#failure-rate", "0.25")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("#faults-result:text('Applied.')")
    faults = mock._get("/_mock/faults")
    assert (faults["latency_ms"], faults["failure_rate"]) == ([5.0, 20.0], 0.25)


def test_keyboard_only_reaches_every_control(page: Any, mock: MockHandle) -> None:
    _send(mock, "+989121234567", PERSIAN)
    page.wait_for_selector("li.message")
    reached = set()
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert {"q", "type", "delete-all", "copy", "delete"} <= reached


def test_usable_at_a_phones_width(browser: Any, mock: MockHandle) -> None:
    mock.reset()
    _send(mock, "+989121234567", PERSIAN)
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    phone = context.new_page()
    phone.goto(mock.base_url + "/_mock/")
    phone.wait_for_selector("li.message")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sideways
    context.close()


def test_the_page_says_when_the_mock_stops_and_when_it_restarted(browser: Any) -> None:
    server = MockServer(MockSettings()).start()
    port = server.port
    context = browser.new_context()
    opened = context.new_page()
    try:
        opened.goto(server.base_url + "/_mock/")
        opened.wait_for_selector('#status[data-state="live"]')
        server.stop()
        opened.wait_for_selector('#status[data-state="stopped"]')
        server = MockServer(MockSettings(), port=port).start()
        opened.wait_for_selector('#status[data-state="restarted"]', timeout=15_000)
    finally:
        context.close()
        server.stop()

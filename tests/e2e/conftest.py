"""Browser journeys: Debian's chromium, driven by pytest-playwright, against pytest-django's live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium (docs/environment.md, "Browser tests").
The live server runs in another thread of this process, so the tests use `transactional_db` (data committed for
real), and the flush after each test empties the tables that data migrations fill: `_e2e_database` puts the
shared kinds, sectors, categories, metrics and holidays back before each journey.

On failure, a screenshot and the HTML of every open page go to test-results/<test>/ (gitignored).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, expect

# The playwright fixture runs an event loop in the test thread; the ORM calls the tests make from that thread
# (factories, assertions) are synchronous and safe, but Django refuses them unless told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
E2E_DIR = Path(__file__).resolve().parent
PASSWORD = "matkhau-thu-nghiem"  # tests.factories.make_user's default
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "15000"))

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Everything under tests/e2e is a browser test: marked e2e, so the main pass of bin/test deselects it."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


# --- the browser ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Không thấy chromium tại {CHROMIUM}: cài gói Debian `chromium` (apt-get install chromium). "
            "Never `playwright install` here.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    # Not built on pytest-playwright's own (its base_url fixture warns under pytest 9); the live server's
    # address is given to each context by open_page.
    return {
        **DESKTOP,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "accept_downloads": True,
    }


@dataclass
class PageWatch:
    """What went wrong on a page that a user would not see in a test's assertions: a JavaScript error, a request
    the server answered with 4xx/5xx, a resource the content security policy blocked."""

    problems: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"lỗi JavaScript: {error}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message) -> None:
        self.log.append(f"[{message.type}] {message.text}")
        # A failed resource also arrives as a response (checked there); anything else logged as an error is real.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def _request_failed(self, request) -> None:
        # A download read by the test, or a poll cut by leaving the page, is not a fault of the product.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def open_page(request, browser: Browser, live_server, watch: PageWatch, browser_context_args: dict):
    """open_page(**context options) -> a new page in its own browser context (its own cookies: one user each).

    After the test, any problem the pages met fails it (with screenshots), then the contexts are closed.
    """
    contexts: list[BrowserContext] = []

    def _open(**options) -> Page:
        context = browser.new_context(**{**browser_context_args, **options, "base_url": live_server.url})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        return page

    yield _open
    problems = list(watch.problems)
    if problems and not getattr(request.node, "_e2e_saved", False):
        _save_failure(request.node)
    for context in contexts:
        context.close()
    assert not problems, "Trình duyệt gặp lỗi / the browser met errors:\n" + "\n".join(problems)


@pytest.fixture
def desktop(open_page) -> Page:
    return open_page()


@pytest.fixture
def phone(open_page) -> Page:
    return open_page(**PHONE)


# --- the server and its database -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _e2e_database(request, settings, tmp_path) -> None:
    """Committed data for the live server's thread, the shared reference data back, uploads in a temp dir."""
    request.getfixturevalue("transactional_db")
    from candidates.models import Holiday
    from candidates.workdays import install_national_holidays
    from organizations.defaults import install_defaults
    from planning.defaults import install_metrics

    install_defaults()
    install_metrics()
    install_national_holidays(Holiday)
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


# --- what every journey does ---------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """The only address typed by hand: the login page (a bookmark); everything after is clicked."""
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào đồng chí")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def accept_confirms(page: Page) -> None:
    """Buttons with data-confirm ask window.confirm (static/js/app.js): the user says yes."""
    page.on("dialog", lambda dialog: dialog.accept())


def field(page: Page, label: str):
    """The form field whose label is exactly `label` (a required field's label ends with " *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def card(page: Page, heading: str):
    """The section.card whose heading is `heading`."""
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=heading, exact=True))


def expect_message(page: Page, text: str) -> None:
    expect(page.locator("ul.messages")).to_contain_text(text)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling).

    Against the layout viewport (clientWidth): on a phone, window.innerWidth grows to the content's width.
    """
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def assert_styled(page: Page) -> None:
    """The stylesheets and scripts were served (static files through the live server) and took effect."""
    loaded = page.evaluate(
        "() => Array.from(document.styleSheets).filter(s => s.href && s.cssRules.length > 0).map(s => s.href)"
    )
    assert any(href.endswith("/static/css/app.css") for href in loaded), loaded
    assert page.evaluate("() => typeof window.htmx === 'object' && typeof htmx.process === 'function'")


# --- screenshots of failures ---------------------------------------------------------------------------------


def _open_pages(item) -> list[Page]:
    pages: list[Page] = []
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, Browser):
            pages.extend(p for context in value.contexts for p in context.pages)
        elif isinstance(value, BrowserContext):
            pages.extend(value.pages)
        elif isinstance(value, Page):
            pages.append(value)
    unique: list[Page] = []
    for page in pages:
        if page not in unique and not page.is_closed():
            unique.append(page)
    return unique


def _save_failure(item) -> list[Path]:
    folder = RESULTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid).strip("-")
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for number, page in enumerate(_open_pages(item), 1):
        stem = folder / f"trang-{number}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            Path(f"{stem}.url").write_text(page.url + "\n", encoding="utf-8")
            saved.append(Path(f"{stem}.png"))
        except Exception as exc:  # a crashed page must not hide the test's own failure
            Path(f"{stem}.error").write_text(repr(exc), encoding="utf-8")
    watch = item.funcargs.get("watch") if hasattr(item, "funcargs") else None
    if isinstance(watch, PageWatch) and watch.log:
        (folder / "console.txt").write_text("\n".join(watch.log) + "\n", encoding="utf-8")
    return saved


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when == "call" and "e2e" in item.keywords and not hasattr(report, "wasxfail"):
        item._e2e_saved = True
        saved = _save_failure(item)
        if saved:
            report.sections.append(("e2e", "Ảnh chụp khi lỗi / screenshots:\n" + "\n".join(map(str, saved))))

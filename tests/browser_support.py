"""pytest fixtures shared by every browser test: headless Chromium driven by playwright.

Loaded from ``tests/conftest.py`` with ``pytest_plugins = ["browser_support"]``, so this module
imports nothing that may be missing (playwright, Chromium) at import time.

* ``chromium_path``: the system Chromium (Debian's ``chromium``). Missing -> the test is skipped
  with instructions, or fails when ``CI=true`` (in CI the browser check must run).
* ``browser_page``: a playwright page on that Chromium, started headless with a fresh temporary
  profile. Attributes added for assertions:

  - ``page.errors``: console errors and uncaught page errors, as ``"console: ..."`` /
    ``"pageerror: ..."`` strings;
  - ``page.blocked_requests``: every request to anything but ``file:``/``data:``/``about:``
    URLs. Such requests are refused, so a page that needs the network (a CDN script, a remote
    image) shows it here and in its rendering: reports must work offline.

playwright's own browser downloads (``playwright install``) are never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
ENABLE_HINT = (
    "install it with `sudo apt-get install chromium` (Debian/Ubuntu), or run `make test` as root, "
    "which installs it (scripts/ensure_chromium.sh)"
)


def find_chromium() -> str | None:
    """The Chromium executable: /usr/bin/chromium, else ``chromium``/``chromium-browser`` on PATH."""
    if DEBIAN_CHROMIUM.is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci() -> bool:
    """True when the environment says we run in CI (``CI=true``, as GitHub/GitLab set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(what: str, hint: str) -> None:
    if in_ci():
        pytest.fail(f"{what}; CI=true, so the browser check must run: {hint}", pytrace=False)
    pytest.skip(f"{what}: browser tests skipped; to enable them, {hint}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the system Chromium; skips (or fails under CI=true) when there is none."""
    path = find_chromium()
    if path is None:
        _unavailable(
            "Chromium not found (looked for /usr/bin/chromium, chromium, chromium-browser)",
            ENABLE_HINT,
        )
    return path


@pytest.fixture(scope="session")
def _playwright(chromium_path: str) -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "the playwright Python package is not installed",
            "install the test dependencies (`make test` does it, or "
            "`.venv/bin/pip install playwright`); never run `playwright install`, the system "
            "Chromium is used",
        )
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser_page(_playwright, chromium_path: str, tmp_path_factory) -> Iterator[object]:
    """A playwright page in headless Chromium with a fresh profile; see the module docstring."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    context = _playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path,
        headless=True,
        args=list(CHROMIUM_ARGS),
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        blocked: list[str] = []

        def _route(route) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", _route)
        page.on(
            "console",
            lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.errors = errors
        page.blocked_requests = blocked
        yield page
    finally:
        context.close()

"""Fixtures both browser checks share (test_browser.py: the built book; test_lab.py: JupyterLab):
Debian's chromium, launched headless, with scrollbars drawn as a reader's browser draws them
(headless hides them by default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless (no `playwright install`: the browser is the system's)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_default_args=["--hide-scrollbars"]
        )
        yield chromium
        chromium.close()

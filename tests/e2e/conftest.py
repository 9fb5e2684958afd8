"""A real browser (Debian's Chromium, driven by Playwright) for tests of what people see."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
NODE_MODULES = ROOT / "node_modules"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set "
                    "CHROMIUM_PATH; `make test` needs it for the browser tests")
    if not (NODE_MODULES / "bpmn-js").exists():
        pytest.fail("bpmn-js is not installed: run `make install` (it runs npm ci)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()

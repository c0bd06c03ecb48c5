"""Headless Debian Chromium driven by Selenium, without blocking the fake Discord's loop.

Nothing is downloaded: the browser and its driver are Debian's (`apt-get install chromium
chromium-driver`, as .ci/run does). Selenium calls block, so each runs in a thread while
the event loop keeps serving the fake Discord the browser talks to.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    None
    if CHROMIUM and CHROMEDRIVER
    else "browser tests need Debian's chromium and chromium-driver (apt-get install "
    "chromium chromium-driver); .ci/run installs them"
)
DESKTOP = (1280, 900)
PHONE = (390, 844)


class Browser:
    """One headless Chromium with a fresh profile."""

    def __init__(self, profile: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must fetch nothing
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
        ):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.implicitly_wait(5)  # a loaded CI machine renders slowly

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """Run a blocking Selenium call in a thread."""
        return await asyncio.to_thread(call, *args)

    async def get(self, url: str) -> None:
        """Open ``url`` and wait for the page to load."""
        await self.run(self.driver.get, url)

    async def find(self, css: str) -> Any:
        """Return the first element matching ``css`` (raising if there is none)."""
        from selenium.webdriver.common.by import By

        return await self.run(self.driver.find_element, By.CSS_SELECTOR, css)

    async def find_all(self, css: str) -> list[Any]:
        """Return every element matching ``css``."""
        from selenium.webdriver.common.by import By

        return await self.run(self.driver.find_elements, By.CSS_SELECTOR, css)

    def _click(self, element: Any) -> None:
        # Centred first: at the top of the window the sticky bulk bar would take the click.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    async def click(self, css: str) -> None:
        """Click the first element matching ``css``."""
        await self.click_element(await self.find(css))

    async def click_element(self, element: Any) -> None:
        """Click ``element`` as a person would."""
        await self.run(self._click, element)

    async def navigate(self, css: str) -> None:
        """Click what matches ``css`` and wait for the next page to load."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait

        def go() -> None:
            old = self.driver.find_element(By.TAG_NAME, "html")
            self._click(self.driver.find_element(By.CSS_SELECTOR, css))
            wait = WebDriverWait(self.driver, 30)
            wait.until(lambda _: _is_stale(old))
            wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

        await self.run(go)

    async def text(self) -> str:
        """Return the visible text of the page."""
        body = await self.find("body")
        return str(await self.run(lambda: body.text))

    async def screenshot(self, path: Path, size: tuple[int, int]) -> None:
        """Save the whole page, laid out ``size[0]`` pixels wide, as a PNG."""

        def shoot() -> None:
            width, height = size
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1}
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride", metrics | {"mobile": width < 600}
            )
            layout = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            full = min(int(layout["cssContentSize"]["height"]), 4000)
            clip = {"x": 0, "y": 0, "width": width, "height": max(full, height), "scale": 1}
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True, "clip": clip},
            )
            path.write_bytes(base64.b64decode(shot["data"]))
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

        await self.run(shoot)

    def quit(self) -> None:
        """Close the browser."""
        self.driver.quit()


def _is_stale(element: Any) -> bool:
    """Tell whether ``element`` is gone from the page (what Selenium's ``staleness_of`` asks).

    While the next page replaces the old one, chromedriver sometimes answers an old node with
    "Node with given id does not belong to the document" instead of a stale element reference:
    the same fact, which ``staleness_of`` raises on (SeleniumHQ/selenium#15401).
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return True
        raise
    return False

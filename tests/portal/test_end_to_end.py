"""A partner's first session in headless Chromium: sign-up to a revoked key.

The partner signs up, confirms by the mailed link (read from the SMTP server), logs in, turns
the API on, allows a network, creates a key and calls the API with it. Then it rotates the key:
the old key works inside the overlap and fails after it, which the test reaches by moving the
service's clock. Last, it revokes the replacement. The final page is saved as a screenshot:
``make screenshot`` runs this test with ``MYENGINE_TEST_SCREENSHOT`` set, to renew the
README's ``docs/portal.png``.
"""

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from myengine.clock import set_clock
from tests.portal.conftest import PASSWORD, confirm_link, unique_email

if TYPE_CHECKING:
    from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
WAIT_SECONDS = 20


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator["webdriver.Chrome"]:  # type: ignore[name-defined]  # noqa: F821
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        reason = "Debian's chromium and chromium-driver are not installed (make test installs them)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1280,1100")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def left_page(old_page: "WebElement") -> Callable[[object], bool]:
    """Return a wait condition that is true once the page holding ``old_page`` is replaced.

    While Chromium tears a page down, a query on one of its nodes can fail with "does not belong
    to the document" in place of a stale-element error. Both mean the old page is gone.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(_driver: object) -> bool:
        try:
            old_page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return gone


def call_api(base_url: str, partner_id: int, key: str) -> httpx.Response:
    return httpx.get(f"{base_url}/api-v1/clients/self", auth=(str(partner_id), key))


@pytest.fixture
def screenshot(tmp_path: Path) -> Path:
    """Return where to save the final page: ``MYENGINE_TEST_SCREENSHOT``, else a temporary file."""
    chosen = os.environ.get("MYENGINE_TEST_SCREENSHOT")
    return Path(chosen).resolve() if chosen else tmp_path / "portal.png"


def test_partner_signs_up_and_manages_keys(chromium, portal_server, mail_server, worker,
                                           screenshot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser = chromium
    wait = WebDriverWait(browser, WAIT_SECONDS)
    base = portal_server.url
    email = unique_email("e2e")

    def fill(name: str, value: str, *, by: str = By.NAME) -> None:
        element = browser.find_element(by, name)
        element.clear()
        element.send_keys(value)

    def click_and_load(button: "WebElement") -> None:
        """Click a button that submits a form, and wait until the response page has loaded."""
        old_page = browser.find_element(By.TAG_NAME, "html")
        button.click()
        wait.until(left_page(old_page))
        wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")

    def submit(element_id: str | None = None) -> None:
        click_and_load(browser.find_element(By.ID, element_id) if element_id
                       else browser.find_element(By.CSS_SELECTOR, "main button[type=submit]"))

    def heading() -> str:
        return wait.until(ready.presence_of_element_located((By.TAG_NAME, "h1"))).text

    # Sign up.
    browser.get(f"{base}/portal/signup")
    assert "Sandbox deployment" in browser.find_element(By.CLASS_NAME, "sandbox-banner").text
    fill("company", "Northwind Hosting")
    fill("contact_name", "Grace Hopper")
    fill("email", email)
    fill("password", PASSWORD)
    submit()
    assert heading() == "Check your mailbox"

    # Confirm through the link in the mail the SMTP server received.
    worker.run_once()
    browser.get(confirm_link(mail_server, email))
    assert heading() == "Confirm your address"
    submit("confirm-address")
    assert heading() == "Address confirmed"

    # Log in.
    browser.get(f"{base}/portal/login")
    fill("email", email)
    fill("password", PASSWORD)
    submit()
    partner_id = int(wait.until(ready.presence_of_element_located((By.ID, "partner-id"))).text)

    # Turn the API on, allow this machine's network, create a key.
    browser.get(f"{base}/portal/api")
    submit("toggle-api-access")
    wait.until(ready.text_to_be_present_in_element((By.ID, "api-access-state"), "on"))
    fill("network-cidr", "127.0.0.0/8", by=By.ID)
    fill("network-note", "CI machine", by=By.ID)
    submit("add-network")
    wait.until(ready.text_to_be_present_in_element((By.ID, "networks"), "127.0.0.0/8"))
    fill("key-note", "Billing system", by=By.ID)
    submit("create-key")
    first_key = wait.until(ready.presence_of_element_located((By.ID, "new-key-secret"))).text
    assert call_api(base, partner_id, first_key).status_code == 200

    # Rotate with a one-hour overlap.
    prefix = first_key.rsplit("_", 1)[0]
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-prefix="{prefix}"]')
    Select(row.find_element(By.NAME, "overlap")).select_by_value("1h")
    click_and_load(row.find_element(By.CSS_SELECTOR, "form.rotate button"))
    wait.until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, "#new-key h2"),
                                                   "Replacement key"))
    second_key = browser.find_element(By.ID, "new-key-secret").text
    assert second_key != first_key
    assert call_api(base, partner_id, first_key).status_code == 200
    assert call_api(base, partner_id, second_key).status_code == 200

    after_overlap = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
    set_clock(lambda: after_overlap)
    try:
        expired = call_api(base, partner_id, first_key)
        replacement = call_api(base, partner_id, second_key)
    finally:
        set_clock(None)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "api_key_expired"
    assert replacement.status_code == 200

    # Revoke the replacement: it fails at once.
    second_prefix = second_key.rsplit("_", 1)[0]
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-prefix="{second_prefix}"]')
    click_and_load(row.find_element(By.CSS_SELECTOR, ".key-actions form:not(.rotate) button"))
    wait.until(ready.url_contains("done=key_revoked"))
    revoked = call_api(base, partner_id, second_key)
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "api_key_revoked"

    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(screenshot))

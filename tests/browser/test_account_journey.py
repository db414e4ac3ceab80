"""A learner logged in on a laptop and a phone ends the laptop's session from the phone, then
changes the password, in Chromium (the phone at 375 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, visiting
from tests.web.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "two-devices@example.org"


def log_in(page: Page, url: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()


def test_a_learner_logs_out_another_device_and_changes_the_password(
    live_server: LiveServer, browser: Browser
) -> None:
    url = live_server.url
    with (
        visiting(browser, "laptop") as laptop,
        visiting(browser, "account-phone", width=375, height=740) as phone,
    ):
        laptop.page.goto(f"{url}/signup")
        laptop.page.get_by_label("Email").fill(EMAIL)
        laptop.page.get_by_label("Password").fill(PASSWORD)
        laptop.page.get_by_role("button", name="Sign up").click()
        log_in(phone.page, url)
        laptop.page.goto(f"{url}/account/")
        expect(laptop.page.get_by_text("this device")).to_be_visible()
        laptop.shot("account")

        page = phone.page
        page.goto(f"{url}/account/")
        sessions = page.get_by_role("list", name="Where you are logged in")
        expect(sessions.get_by_role("listitem")).to_have_count(2)
        expect(sessions).to_contain_text("this device")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.shot("sessions")
        sessions.get_by_role("button", name="Log out").click()
        expect(page.get_by_text("That device is logged out.")).to_be_visible()
        expect(sessions.get_by_role("listitem")).to_have_count(1)

        laptop.page.goto(f"{url}/account/")
        expect(laptop.page).to_have_url(f"{url}/login?next=%2Faccount%2F")
        laptop.shot("logged-out")

        page.get_by_label("Current password").fill(PASSWORD)
        page.get_by_label("New password").fill("another long password")
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_text("Your password is changed")).to_be_visible()
        phone.shot("password-changed")
        log_in(laptop.page, url, "another long password")
        page.get_by_role("button", name="Log out of all devices").click()
        expect(page).to_have_url(f"{url}/login")
        laptop.page.goto(f"{url}/account/")
        expect(laptop.page).to_have_url(f"{url}/login?next=%2Faccount%2F")

"""The login delay and forwarded addresses on a real server, in Chromium (issue 26, items 5
and 9): an attacker behind the same address as the editor (localhost here, a proxy in
production) who forges ``X-Forwarded-For`` locks out only browsers without her device
cookie; the audit log records the connection's real address, never the forged one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_fixtures import ROOT, serve

from datastore import db, security
from datastore.store import Store

PASSWORD = "s3cret-pass"


@pytest.fixture
def env_dirs(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, data / csv_file.name)
    env = {"COOP_DATA": str(data), "COOP_STORE": str(tmp_path / "store"),
           "COOP_SECRETS": str(tmp_path / "no-secrets.toml"), "COOP_TRUSTED_PROXIES": ""}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    security.add_editor(Store(), "aziza", PASSWORD, admin=True)
    yield env
    db.dispose_all()


def _log_in(page, base_url: str, password: str) -> None:
    from playwright.sync_api import expect

    if "/data" not in page.url:
        page.goto(base_url + "/data", timeout=60_000)
    expect(page.get_by_label("Editor name")).to_be_visible(timeout=60_000)
    page.get_by_label("Editor name").fill("aziza")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def _a_minute_of_guessing_later() -> None:
    """The counter the attacker's tries used (her name from 127.0.0.1, the forged header
    ignored) as after a minute more of guessing: the next try waits 60 s (a page load on
    two busy cores outlasts the first delays of 2, 4, 8 s)."""
    import time

    from sqlalchemy import update

    with Store().engine.begin() as conn:
        done = conn.execute(update(db.throttle)
                            .where(db.throttle.c.key == "pair:aziza|127.0.0.1")
                            .values(failures=9, next_at=time.time() + 60)).rowcount
    assert done == 1


def test_a_forged_address_behind_localhost_never_locks_out_her_browser(env_dirs):
    from playwright.sync_api import expect, sync_playwright

    from bench.live import CHROMIUM, CHROMIUM_ARGS

    expect.set_options(timeout=60_000)
    data, store_dir = Path(env_dirs["COOP_DATA"]), Path(env_dirs["COOP_STORE"])
    with serve(data, store=store_dir, env=env_dirs) as base_url, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            warm = chromium.new_context().new_page()  # the first run installs the guard
            warm.goto(base_url + "/data", timeout=60_000)
            expect(warm.get_by_label("Editor name")).to_be_visible()

            owner_context = chromium.new_context()
            owner = owner_context.new_page()
            _log_in(owner, base_url, PASSWORD)
            expect(owner.get_by_text("Logged in as aziza.")).to_be_visible()
            owner.wait_for_function("() => document.cookie.includes('coop_device=')")
            (cookie,) = [c for c in owner_context.cookies() if c["name"] == "coop_device"]
            assert cookie["sameSite"] == "Strict" and len(cookie["value"]) >= 40

            attacker = chromium.new_context(
                extra_http_headers={"X-Forwarded-For": "<script>alert(1)</script>"}).new_page()
            for _ in range(6):
                _log_in(attacker, base_url, "a-guess-123")
                expect(attacker.locator('[data-testid="stAlertContentError"]')).to_be_visible()
            expect(attacker.get_by_text("Too many wrong passwords", exact=False)).to_be_visible()
            _a_minute_of_guessing_later()


            # A browser without her cookie, from the same address, waits too ...
            other = chromium.new_context().new_page()
            _log_in(other, base_url, PASSWORD)
            expect(other.get_by_text("Too many wrong passwords", exact=False)).to_be_visible()
            # ... her own browser (a new session presents the cookie) does not.
            owner.reload()
            _log_in(owner, base_url, PASSWORD)
            expect(owner.get_by_text("Logged in as aziza.")).to_be_visible()
        finally:
            chromium.close()

    entries = security.audit_log(Store())
    clients = {e["client"] for e in entries if e["event"].startswith("login")}
    assert clients == {"127.0.0.1"}
    events = [e["event"] for e in entries]
    assert events.count("login_ok") == 2 and "login_delayed" in events

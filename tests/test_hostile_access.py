"""The hostile corpus, access and store faults (issue 26, items 5-9 and 17): the login
delay, parallel logins, sessions after a reset, ids that are paths, forwarded addresses,
the audit of writes, the store file's mode, a full disk and a damaged database.

Every store case runs on SQLite and PostgreSQL (``database_url``)."""

from __future__ import annotations

import threading

import pytest
from test_datastore import BASE_VISITS, write_dataset

from datastore import security
from datastore.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, monkeypatch, database_url, clock) -> Store:
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    store = Store(clock=clock)
    security.add_editor(store, "aziza", "aziza-pass", admin=True)
    security.add_editor(store, "sam", "sam-pass-1", institutions=["samsmu"])
    return store


# ------------------------------------------------------------------ 5. the login delay

def test_others_wrong_passwords_never_delay_her_known_address(store, clock):
    assert security.login(store, "aziza", "aziza-pass", "10.0.0.7").ok  # her office
    for attacker in range(20):  # 20 addresses, 10 wrong tries each, over two minutes
        for _ in range(10):
            security.login(store, "aziza", "guess", f"203.0.113.{attacker}")
            clock.now += 0.6
    result = security.login(store, "aziza", "aziza-pass", "10.0.0.7")
    assert (result.ok, result.code) == (True, "ok")


def test_a_shared_address_is_no_shared_key_for_her_device(store, clock):
    """Behind one proxy address (or localhost) the attacker and the editor look alike; the
    token her browser kept from her last login tells her apart."""
    first = security.login(store, "aziza", "aziza-pass", "127.0.0.1")
    assert first.ok and len(first.device) >= 40
    for _ in range(12):
        security.login(store, "aziza", "guess", "127.0.0.1")
        clock.now += 1
    assert security.login(store, "aziza", "aziza-pass", "127.0.0.1").code == "locked"  # no token
    again = security.login(store, "aziza", "aziza-pass", "127.0.0.1", device=first.device)
    assert (again.ok, again.device) == (True, "")  # the token she has is kept
    # Another editor's token is no key to her account.
    sam = security.login(store, "sam", "sam-pass-1", "127.0.0.1")
    for _ in range(5):
        security.login(store, "aziza", "guess", "127.0.0.1", device=sam.device)
    assert security.login(store, "aziza", "aziza-pass", "127.0.0.1",
                          device=sam.device).code == "locked"


def test_made_up_names_from_one_address_lock_out_no_editor(store):
    for number in range(9):
        assert not security.login(store, f"nobody{number}", "guess", "127.0.0.1").ok
    # Neither editor has logged in from here before.
    assert security.login(store, "aziza", "aziza-pass", "127.0.0.1").ok
    assert security.login(store, "sam", "sam-pass-1", "127.0.0.1").ok


def test_guessing_one_name_from_many_addresses_is_slowed_as_one(store, clock):
    for attacker in range(4):
        result = security.login(store, "sam", "guess", f"198.51.100.{attacker}")
    assert (result.code, result.seconds_left) == ("locked", 2)  # the 4th failure of "sam"
    result = security.login(store, "sam", "guess", "198.51.100.99")
    assert (result.code, result.seconds_left) == ("locked", 2)  # not checked, not counted
    clock.now += 2
    result = security.login(store, "sam", "guess", "198.51.100.99")
    assert (result.code, result.seconds_left) == ("locked", 4)


def test_one_address_guessing_one_name_waits_and_forgets_after_a_quiet_quarter(store, clock):
    for _ in range(3):
        assert security.login(store, "sam", "guess", "10.9.9.9").code == "wrong"
    assert security.login(store, "sam", "guess", "10.9.9.9").seconds_left == 2
    clock.now += security.FORGET_AFTER_S + 3
    assert security.login(store, "sam", "guess", "10.9.9.9").code == "wrong"


# ------------------------------------------------------------------ 6. parallel tries

def test_parallel_logins_check_no_more_passwords_than_the_delay_allows(store, monkeypatch):
    checked = []
    real = security.verify_password

    def counting(password: str, stored: str) -> bool:
        checked.append(password)
        return real(password, stored)

    monkeypatch.setattr(security, "verify_password", counting)
    start = threading.Barrier(20)
    results = []

    def attempt() -> None:
        start.wait()
        results.append(security.login(Store(clock=store.clock), "sam", "guess", "192.0.2.1"))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 4  # 3 free tries and the one that starts the delay
    assert sorted(r.code for r in results) == ["locked"] * 17 + ["wrong"] * 3

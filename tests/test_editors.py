"""Editor passwords: salted hashes only, login checks, growing lockout, add-editor command."""

from __future__ import annotations

import io
import tomllib

import pytest

from datastore.editors import (
    LoginLimiter,
    add_editor_cli,
    check_login,
    hash_password,
    load_editors,
    save_editor,
    verify_password,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_is_salted_and_verifies():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second  # a new salt each time
    assert first.startswith("scrypt$16384$8$1$")
    assert "correct horse" not in first
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("x", "not a hash")
    assert not verify_password("x", "")


def test_save_editor_keeps_other_secrets_and_replaces_same_name(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('api_key = "keep me"\n\n[other]\nx = 1\n')
    save_editor("aziza", "scrypt$1", path)
    save_editor("bobur", "scrypt$2", path)
    save_editor("aziza", "scrypt$3", path)
    data = tomllib.loads(path.read_text())
    assert data == {
        "api_key": "keep me",
        "other": {"x": 1},
        "editors": {"aziza": "scrypt$3", "bobur": "scrypt$2"},
    }
    assert (path.stat().st_mode & 0o777) == 0o600


def test_save_editor_in_existing_editors_table_before_another_table(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[editors]\n"aziza" = "old"\n\n[other]\nx = 1\n')
    save_editor("aziza", "new", path)
    assert tomllib.loads(path.read_text()) == {"editors": {"aziza": "new"}, "other": {"x": 1}}


def test_save_editor_refuses_odd_names(tmp_path):
    with pytest.raises(ValueError):
        save_editor('a" = "b', "h", tmp_path / "s.toml")


def test_login_ok_and_wrong():
    editors = {"aziza": hash_password("s3cret-pass")}
    limiter = LoginLimiter()
    assert check_login("aziza", "nope", limiter, editors).code == "wrong"
    assert check_login("nobody", "s3cret-pass", limiter, editors).code == "wrong"
    result = check_login("aziza", "s3cret-pass", limiter, editors)
    assert (result.ok, result.code) == (True, "ok")
    assert limiter.failures == 0


def test_no_editors_configured():
    assert check_login("aziza", "x", LoginLimiter(), {}).code == "no_editors"


def test_five_wrong_tries_then_a_growing_lockout():
    editors = {"aziza": hash_password("s3cret-pass")}
    clock = FakeClock()
    limiter = LoginLimiter(max_tries=5, base_lockout_s=30, clock=clock)
    codes = [check_login("aziza", "bad", limiter, editors).code for _ in range(5)]
    assert codes == ["wrong", "wrong", "wrong", "wrong", "locked"]
    assert limiter.seconds_left() == 30
    # Even the right password is refused while locked.
    assert check_login("aziza", "s3cret-pass", limiter, editors).code == "locked"
    clock.now += 31
    result = check_login("aziza", "bad", limiter, editors)
    assert (result.code, result.seconds_left) == ("locked", 60)
    clock.now += 61
    assert check_login("aziza", "bad", limiter, editors).seconds_left == 120
    clock.now += 121
    assert check_login("aziza", "s3cret-pass", limiter, editors).ok
    assert limiter.seconds_left() == 0 and limiter.failures == 0


def test_lockout_is_capped():
    clock = FakeClock()
    limiter = LoginLimiter(max_tries=1, base_lockout_s=30, max_lockout_s=100, clock=clock)
    for _ in range(10):
        limiter.record_failure()
    assert limiter.seconds_left() == 100


def test_add_editor_cli_with_password_stdin(tmp_path, monkeypatch, capsys):
    path = tmp_path / "secrets.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-pw\n"))
    assert add_editor_cli(["add-editor", "aziza", "--password-stdin", "--secrets", str(path)]) == 0
    assert "aziza" in capsys.readouterr().out
    stored = load_editors(path)["aziza"]
    assert verify_password("long-enough-pw", stored)
    assert "long-enough-pw" not in path.read_text()


def test_add_editor_cli_prompts_twice_and_uses_env_path(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    monkeypatch.setenv("COOP_SECRETS", str(path))
    answers = iter(["first-password", "other-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert add_editor_cli(["bobur"]) == 1  # passwords differ
    assert not path.exists()
    answers = iter(["same-password", "same-password"])
    assert add_editor_cli(["bobur"]) == 0
    assert verify_password("same-password", load_editors()["bobur"])


def test_add_editor_cli_refuses_short_password(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    path = tmp_path / "s.toml"
    assert add_editor_cli(["aziza", "--password-stdin", "--secrets", str(path)]) == 1
    assert not path.exists()

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
    for attacker in range(10):  # 10 addresses, 10 wrong tries each, over a minute
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


# ------------------------------------------------------------------ 7. sessions and accounts

def _logged_in_page(tmp_path, monkeypatch):
    """The Data page (AppTest) with aziza logged in; the store of ``COOP_STORE``."""
    from app_fixtures import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))
    at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=60).run()
    at.text_input(key="data_login_name").input("aziza")
    at.text_input(key="data_login_pw").input("aziza-pass")
    at.get("form_submit_button")[0].click().run()
    assert "Logged in as aziza." in [c.value for c in at.caption]
    return at


ENDED = ("Your session has ended: the password was changed, or the account was disabled "
         "or removed. Log in again.")


@pytest.mark.parametrize("how", ["password reset", "disable-editor", "remove-editor"])
def test_a_session_ends_on_its_next_click_after_a_reset_disable_or_removal(
        store, tmp_path, monkeypatch, how):
    from datastore.__main__ import main

    at = _logged_in_page(tmp_path, monkeypatch)
    at.run()
    assert "Logged in as aziza." in [c.value for c in at.caption]  # a click changes nothing
    if how == "password reset":
        security.add_editor(Store(), "aziza", "a-new-password", admin=True)
    else:
        assert main([how, "aziza"]) == 0
    at.run()  # her next click
    assert "Logged in as aziza." not in [c.value for c in at.caption]
    assert [w.value for w in at.warning] == [ENDED]
    assert at.text_input(key="data_login_name") is not None  # the login form again


def test_disabled_and_removed_editors_cannot_log_in_or_write(store, tmp_path, capsys):
    from datastore.__main__ import main

    assert main(["disable-editor", "sam"]) == 0
    assert security.login(store, "sam", "sam-pass-1", "10.1.1.1").code == "disabled"
    assert security.login(store, "sam", "wrong-pass", "10.1.1.2").code == "wrong"
    folder = write_dataset(tmp_path / "new", "x", rows=2,
                           visits=BASE_VISITS.replace("lectures", "research"))
    with pytest.raises(Exception) as err:
        store.publish(folder, editor="sam", expected_current=None)
    assert getattr(err.value, "code", "") == "unknown_editor"
    assert main(["remove-editor", "sam"]) == 0
    assert security.account(store, "sam") is None
    assert security.login(store, "sam", "sam-pass-1", "10.1.1.1").code == "wrong"
    assert main(["remove-editor", "sam"]) == 1
    assert capsys.readouterr().err.strip().endswith("There is no editor sam.")
    events = [(e["event"], e["editor"]) for e in security.audit_log(store)]
    assert ("editor_disabled", "sam") in events and ("editor_removed", "sam") in events
    # Added again, sam logs in; a session of before the removal stays ended.
    security.add_editor(store, "sam", "sam-pass-2", institutions=["samsmu"])
    again = security.login(store, "sam", "sam-pass-2", "10.1.1.1")
    assert again.ok and again.generation == 4  # added, disabled, removed, added
    assert not security.session_ok(store, "sam", 1)
    assert security.session_ok(store, "sam", again.generation)


# ------------------------------------------------------------------ 9. addresses, audit, modes

def _seen_by_the_app(peer: str, forwarded: list[str]) -> tuple[str, dict]:
    """The client address and headers the app gets behind uvicorn's proxy-header step as
    Streamlit's server sets it up (default: X-Forwarded-For believed from 127.0.0.1)."""
    import asyncio

    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"][0]
        seen["headers"] = {k.decode(): v.decode() for k, v in scope["headers"]}

    middleware = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1,::1")
    scope = {"type": "websocket", "client": (peer, 50000),
             "headers": [(b"x-forwarded-for", v.encode()) for v in forwarded]
             + [(b"x-coop-client", b"6.6.6.6")]}  # a client cannot set the resolved address
    asyncio.run(middleware(scope, None, None))
    return seen["client"], seen["headers"]


@pytest.mark.parametrize("proxies, peer, forwarded, expected", [
    ("", "127.0.0.1", ["<script>alert(1)</script>"], "127.0.0.1"),
    ("", "127.0.0.1", ["198.51.100.7"], "127.0.0.1"),  # no proxy configured: nobody's header
    ("10.0.0.5", "10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
    ("10.0.0.5", "10.0.0.5", ["<script>"], "10.0.0.5"),
    ("10.0.0.5", "203.0.113.3", ["198.51.100.7"], "203.0.113.3"),  # not from the proxy
    ("10.0.0.0/8", "10.0.0.5", ["1.1.1.1, 198.51.100.7, 10.0.0.9"], "198.51.100.7"),
])
def test_forwarded_for_is_believed_only_from_configured_proxies(monkeypatch, proxies, peer,
                                                               forwarded, expected):
    from datastore import guard

    monkeypatch.setenv("COOP_TRUSTED_PROXIES", proxies)
    guard.install()
    client, headers = _seen_by_the_app(peer, forwarded)
    assert client == expected
    assert headers["x-coop-client"].split(" ")[0] == expected
    assert security.client_of(headers, client) == expected


def test_a_client_cannot_send_the_resolved_address_itself():
    """A connection made before the guard ran carries the client's own headers as sent."""
    forged = {"X-Coop-Client": "10.0.0.7 " + "0" * 32}
    assert security.client_of(forged, None) == "unresolved"
    assert security.client_of({"X-Coop-Client": "10.0.0.7"}, "203.0.113.5") == "unresolved"
    assert security.client_of({"X-Forwarded-For": "10.0.0.7"}, None) == "unresolved"
    assert security.client_of({}, "203.0.113.5") == "203.0.113.5"
    assert security.client_of({}, None) == "127.0.0.1"  # Streamlit's None for loopback


def test_a_locked_counter_is_not_bypassed_by_a_new_forwarded_address(store, monkeypatch):
    from datastore import guard

    monkeypatch.setenv("COOP_TRUSTED_PROXIES", "")
    guard.install()
    for number in range(4):
        client, headers = _seen_by_the_app("127.0.0.1", [f"198.51.100.{number}"])
        result = security.login(store, "sam", "guess", security.client_of(headers, client))
    assert (result.code, result.seconds_left) == ("locked", 2)
    client, headers = _seen_by_the_app("127.0.0.1", ["198.51.100.99"])
    assert security.login(store, "sam", "guess", security.client_of(headers, client)).code == "locked"
    clients = {e["client"] for e in security.audit_log(store) if e["event"].startswith("login")}
    assert clients == {"127.0.0.1"}


def test_every_write_is_in_the_audit_log_with_its_client(store, tmp_path):
    from datastore import publications

    store.publish(write_dataset(tmp_path / "f1", "first", rows=2, visits=BASE_VISITS),
                  editor="aziza", note="May", expected_current=None, client="10.0.0.7",
                  source_name="/home/aziza/may.xlsx")
    row_id = store.frames(2)["visits"].index[0]
    store.save_row("visits", row_id, None, editor="sam", base_version=2, client="10.0.0.8")
    store.rollback(2, editor="aziza", expected_current=3, client="10.0.0.7")
    papers = "Authors,Title,Year,Source title,DOI,Affiliations\nKim J.,A,2024,J,10.1/x,SNU\n"
    publications.add_export(store, "scopus.csv", papers.encode(), "samsmu", "sam", 4,
                            client="10.0.0.8")
    writes = [(e["event"], e["editor"], e["client"], e["detail"]) for e in security.audit_log(store)
              if e["event"].startswith("write_")][::-1]
    assert [w[:3] for w in writes] == [
        ("write_seed", "system", ""),
        ("write_publish", "aziza", "10.0.0.7"),
        ("write_edit", "sam", "10.0.0.8"),
        ("write_rollback", "aziza", "10.0.0.7"),
        ("write_publications", "sam", "10.0.0.8"),
    ]
    assert writes[1][3] == {"version": 2, "source": "may.xlsx", "rows": {
        "partners": {"added": 0, "changed": 2, "removed": 0}}}  # both renamed
    assert writes[2][3] == {"version": 3, "rows": {"visits": {"added": 0, "changed": 0, "removed": 1}}}
    assert writes[3][3] == {"version": 4, "restored_from": 2,
                            "rows": {"visits": {"added": 1, "changed": 0, "removed": 0}}}
    assert writes[4][3]["publications"]["added"] == ["scopus.csv"]


def test_the_sqlite_store_is_private_to_its_owner(tmp_path, monkeypatch):
    import stat

    from datastore import db

    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(write_dataset(tmp_path / "data", "base")))
    old = __import__("os").umask(0o022)
    try:
        security.add_editor(Store(), "aziza", "aziza-pass", admin=True)
    finally:
        __import__("os").umask(old)
        db.dispose_all()
    assert stat.S_IMODE((tmp_path / "store" / "coop.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o700
    for extra in ("coop.db-wal", "coop.db-shm"):
        if (tmp_path / "store" / extra).exists():
            assert stat.S_IMODE((tmp_path / "store" / extra).stat().st_mode) == 0o600


# ------------------------------------------------------------------ 8. ids that are paths

@pytest.mark.parametrize("value", ["../../../tmp/x", "..", ".hidden", "a\\b", "C:x", "i1/"])
def test_an_institution_id_that_is_a_path_is_a_row_error(tmp_path, value):
    import hostile

    from loaders import load_dataset

    ds = load_dataset(hostile.write_folder(tmp_path / "case", hostile.with_cell(
        "institutions", 2, "institution_id", value)))
    shown = value.strip()
    first = [(p.severity, p.table, p.row, p.column, p.value, p.code) for p in ds.problems][0]
    assert first == ("error", "institutions", 2, "institution_id", shown, "unsafe_id")
    assert ds.problems[0].message == (
        f"“{shown}” cannot be an institution id: it names a folder, so use letters, digits, "
        "“-”, “_” or “.” (no “/” or “\\”, not starting with “.”, up to 64 characters).")
    assert ds.tables["institutions"].empty  # the row is left out, its rows refer to nothing


def test_plain_ids_in_any_script_stay_valid(tmp_path):
    import hostile

    from loaders import load_dataset

    table = hostile.rows("institutions")
    table[1][0] = "Самарканд-1.v2"
    changes = {"institutions": table}
    for name in ("agreements", "visits", "grants", "students"):
        changes[name] = [[("Самарканд-1.v2" if v == "i1" else v) for v in r]
                         for r in hostile.rows(name)]
    ds = load_dataset(hostile.write_folder(tmp_path / "case", changes))
    assert ds.problems == []


def test_keeping_an_export_for_a_path_id_writes_nothing_outside_the_store(store, tmp_path):
    from sqlalchemy import insert

    from datastore import db, publications
    from datastore.store import StoreError

    papers = b"Authors,Title,Year,Source title,DOI,Affiliations\nKim J.,A,2024,J,10.1/x,SNU\n"
    outside = tmp_path / "outside"
    evil = "../../../../../outside"  # from store/cache/<db>/v1/publications/: tmp_path
    with pytest.raises(StoreError) as err:
        publications.add_export(store, "scopus.csv", papers, evil, "aziza", None)
    assert err.value.code == "unsafe_id"
    # A record kept before ids were checked is not written when the version is shown.
    store.seed()
    with store.engine.begin() as conn:
        conn.execute(insert(db.publication_files).values(
            name="scopus.csv", institution_id=evil, content=papers, sha256="0" * 64,
            size=len(papers), editor="aziza", since=1, until=None))
        conn.execute(insert(db.publication_files).values(
            name="../../escape.csv", institution_id="", content=papers, sha256="1" * 64,
            size=len(papers), editor="aziza", since=1, until=None))
    folder = store.active_path()
    assert not outside.exists()
    assert not (folder.parent / "escape.csv").exists() and not (folder / "escape.csv").exists()
    root = store.root.resolve()
    written = [p.resolve() for p in folder.rglob("*") if p.is_file()]
    assert written and all(root in p.parents for p in written)


def test_the_one_safe_path_function(tmp_path):
    from datastore.paths import UnsafeName, safe_child

    assert safe_child(tmp_path, "publications", "samsmu", "scopus.csv") == (
        tmp_path / "publications" / "samsmu" / "scopus.csv")
    for parts in (("..",), ("a/../../b",), ("/etc",), ("a", "..", ".."), ("x\x00",), ("",)):
        with pytest.raises(UnsafeName):
            safe_child(tmp_path, *parts)
    (tmp_path / "link").symlink_to("/")  # a link inside that leads outside
    with pytest.raises(UnsafeName):
        safe_child(tmp_path, "link", "etc")


# ------------------------------------------------------------------ 17. disk full, damaged store

DISK_FULL = ("The server's disk is full: the newest version of the data store cannot be "
             "written out for the dashboard.")
DAMAGED = ("The data store's database cannot be read: it is damaged. An administrator must "
           "restore it from a backup.")
NO_COPY = "No data is shown until this is fixed (the COOP_DATA files are not shown in its place)."


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """The dashboard's test data as COOP_DATA, an SQLite store in tmp with version 2."""
    import shutil

    from app_fixtures import ROOT

    from datastore import db

    base = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "data" / "dashboard", base)
    monkeypatch.setenv("COOP_DATA", str(base))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))
    monkeypatch.delenv("COOP_DATABASE_URL", raising=False)
    store = Store()
    security.add_editor(store, "aziza", "aziza-pass", admin=True)
    _publish_without(store, base, tmp_path / "v2", "sideways", expected=None)
    yield store
    db.dispose_all()


def _publish_without(store: Store, base, folder, marker: str, expected):
    """Publish the base data less the visits lines holding ``marker``."""
    import shutil

    shutil.copytree(base, folder)
    visits = folder / "visits.csv"
    lines = visits.read_text(encoding="utf-8").splitlines(keepends=True)
    visits.write_text("".join(x for x in lines if marker not in x), encoding="utf-8")
    return store.publish(folder, editor="aziza", note="", expected_current=expected)


def _page(page: str):
    from app_fixtures import run_dashboard

    at = run_dashboard(page)  # asserts that no exception reached the page
    return at


def _text(element) -> str:
    """An alert's text as read on the screen (markdown's bold and escapes removed)."""
    return element.value.replace("**", "").replace("\\", "")


def _no_trace(at) -> None:
    texts = [e.value for e in at.error] + [w.value for w in at.warning]
    assert not any("Errno" in x or "Traceback" in x or "sqlite" in x.lower() for x in texts)



def test_disk_full_after_a_publish_shows_the_last_copy_with_one_notice(app_env, tmp_path,
                                                                       monkeypatch):
    import errno

    from datastore import store as store_module

    first_copy = app_env.active_path()  # version 2 written out for the dashboard
    assert first_copy.name == "v2"
    _publish_without(app_env, tmp_path / "v2", tmp_path / "v3", "-03-", expected=2)

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_write_csvs", full)
    for page in ("overview", "partners", "data"):
        at = _page(page)
        notices = [w.value for w in at.warning]
        assert notices[0] == (DISK_FULL + " Shown until this is fixed: version 2, the last copy "
                              "this server wrote.")
        _no_trace(at)
    assert len(_page("overview").metric) > 0  # the figures of version 2 are shown
    assert not any(p.name.startswith(".tmp-") for p in first_copy.parent.iterdir())


def test_disk_full_with_no_earlier_copy_shows_the_message_not_the_files(app_env, monkeypatch):
    import errno

    from datastore import store as store_module

    monkeypatch.setattr(store_module, "_write_csvs",
                        lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    at = _page("overview")
    assert [_text(e) for e in at.error] == [f"The dataset cannot be shown\n\n{DISK_FULL} {NO_COPY}"]
    assert len(at.metric) == 0  # nothing of the COOP_DATA files in its place
    _no_trace(at)


def test_a_publish_that_does_not_fit_says_so_and_saves_nothing(app_env, tmp_path, monkeypatch,
                                                                capsys):
    import io
    import sys

    from sqlalchemy import event

    from datastore import db
    from datastore.__main__ import main

    engine = app_env.engine
    pages = engine.connect().exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_conn, _record) -> None:  # the database may not grow any more
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    big = tmp_path / "big"
    _publish_source = tmp_path / "v2"
    import shutil

    shutil.copytree(_publish_source, big)
    with (big / "partners.csv").open("a", encoding="utf-8") as handle:
        for number in range(3000):
            handle.write(f"px{number},Partner {number} with a long name,university,KOR,Seoul\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("aziza-pass\n"))
    status = main(["publish", str(big), "--editor", "aziza", "--password-stdin"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.strip().splitlines()[-1] == "The server's disk is full: nothing was saved."
    assert "Traceback" not in err and "sqlite3" not in err and "INSERT" not in err
    event.remove(engine, "connect", _small_disk)
    engine.dispose()
    db.dispose_all()
    assert Store().current() == 2


def _damage(store_dir, how: str) -> None:
    from datastore import db

    db.dispose_all()  # every connection closed: the write-ahead log is checkpointed
    file = store_dir / "coop.db"
    for extra in ("coop.db-wal", "coop.db-shm"):
        (store_dir / extra).unlink(missing_ok=True)
    if how == "zero bytes":
        file.write_bytes(b"")
    elif how == "garbage":
        file.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    else:  # pages after the first overwritten: "database disk image is malformed"
        data = bytearray(file.read_bytes())
        data[4096:] = b"\xff" * (len(data) - 4096)
        file.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["zero bytes", "garbage", "malformed"])
def test_a_damaged_database_is_one_plain_message_never_the_files(app_env, tmp_path, how, capsys):
    from datastore.__main__ import main

    _damage(tmp_path / "store", how)
    for page in ("overview", "agreements"):
        at = _page(page)
        assert [_text(e) for e in at.error] == [f"The dataset cannot be shown\n\n{DAMAGED} {NO_COPY}"]
        assert len(at.metric) == 0
        _no_trace(at)
    at = _page("data")
    errors = [_text(e) for e in at.error]
    assert errors[0] == f"The dataset cannot be shown\n\n{DAMAGED} {NO_COPY}"
    assert errors[1] == "Nothing can be published, edited or restored until it is fixed."
    assert main(["history"]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err and "Traceback" not in err


def test_a_damaged_database_shows_the_last_copy_this_server_wrote(app_env, tmp_path):
    app_env.active_path()  # version 2 written out
    _damage(tmp_path / "store", "malformed")
    at = _page("overview")
    assert [w.value for w in at.warning][0] == (
        DAMAGED + " Shown until this is fixed: version 2, the last copy this server wrote.")
    assert len(at.metric) > 0
    _no_trace(at)


def test_store_failures_are_told_apart_from_other_errors():
    import errno

    from datastore.db import failure_kind

    class PgDiskFull(Exception):
        sqlstate = "53100"

    class Wrapped(Exception):
        def __init__(self, orig):
            super().__init__(str(orig))
            self.orig = orig

    assert failure_kind(OSError(errno.ENOSPC, "No space left on device")) == "disk_full"
    assert failure_kind(Wrapped(PgDiskFull("could not extend file"))) == "disk_full"
    assert failure_kind(Wrapped(Exception("database disk image is malformed"))) == "damaged"
    assert failure_kind(Wrapped(Exception("file is not a database"))) == "damaged"
    assert failure_kind(OSError(errno.EACCES, "Permission denied")) is None
    assert failure_kind(ValueError("x")) is None


def test_every_contract_kind_has_a_cell_limit():
    """A kind added to the contract (documents' ``bool``) needs its cell limit, else
    every load of that table raises (found merging issue 26 with the documents work)."""
    from loaders.cells import CELL_LIMITS
    from loaders.schema import TABLES

    kinds = {c.kind for table in TABLES.values() for c in table.columns}
    assert kinds <= set(CELL_LIMITS)

"""IIA files, the renewal calendar and the digest through ``python -m datastore``, on
SQLite and on PostgreSQL, with the same rights as every save (docs/agreements.md)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from datastore.__main__ import main
from datastore.store import Store

DATA = Path(__file__).resolve().parent / "data" / "ewp"
AUTH = DATA / "auth-samsmu-iia.xml"


def _dataset(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "institutions.csv").write_text(
        "institution_id,name,short_name,city,country,hei_id\n"
        "samsmu,Samarkand SMU,SamSMU,Samarkand,UZB,sammu.uz\n"
        "admi,Andijan SMI,ADMI,Andijan,UZB,\n", encoding="utf-8")
    (folder / "partners.csv").write_text(
        "partner_id,name,type,country,city\n"
        "p-aristotle,Aristotle University of Thessaloniki,university,GRC,Thessaloniki\n", encoding="utf-8")
    (folder / "agreements.csv").write_text(
        "agreement_id,institution_id,partner_id,kind,expires_on,holder,next_action_on\n"
        "a-old,samsmu,p-aristotle,cooperation_agreement,2026-03-31,Dilnoza (international office),2026-01-15\n",
        encoding="utf-8")
    (folder / "visits.csv").write_text(
        "visit_id,institution_id,partner_id,direction,activity,start_date\n"
        "v1,samsmu,p-aristotle,incoming,lectures,2025-10-06\n", encoding="utf-8")
    return folder


@pytest.fixture
def cli(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(_dataset(tmp_path / "data")))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        return main(list(args)), out.getvalue(), err.getvalue()

    assert run("add-editor", "kamola", "--institution", "samsmu", "--password-stdin", stdin="kamola-pass\n")[0] == 0
    assert run("add-editor", "ali", "--institution", "admi", "--password-stdin", stdin="ali-pass-1\n")[0] == 0
    return run


IMPORT = ("iia", "import", str(AUTH), "--institution", "samsmu", "--partner", "auth.gr=p-aristotle")


def test_import_export_and_import_again(cli, tmp_path):
    status, out, err = cli(*IMPORT, "--editor", "kamola", "--password-stdin", stdin="kamola-pass\n")
    assert (status, err) == (0, "")
    assert out.splitlines() == ["a-samsmu-iia-auth-iia-2025-117: new agreement with p-aristotle, 3 terms",
                                "Saved as version 2."]
    frames = Store().frames(2)
    assert list(frames["agreement_terms"]["mobility_type"]) == ["student_studies", "staff_teaching", "staff_teaching"]
    assert frames["partners"].set_index("partner_id").loc["p-aristotle", "hei_id"] == "auth.gr"
    status, out, err = cli("iia", "export", "a-samsmu-iia-auth-iia-2025-117", "--out", str(tmp_path / "out.xml"))
    assert (status, err) == (0, "")
    from datastore.iia import read_iias, validation_errors

    data = (tmp_path / "out.xml").read_bytes()
    assert validation_errors(data) == []
    assert [(t.mobility_type, t.sending_hei, t.mobilities_per_year) for t in read_iias(data)[0].terms] == [
        ("student_studies", "sammu.uz", 2), ("staff_teaching", "auth.gr", 2), ("staff_teaching", "sammu.uz", 1)]
    status, out, _ = cli("iia", "import", str(tmp_path / "out.xml"), "--institution", "samsmu",
                         "--editor", "kamola", "--password-stdin", stdin="kamola-pass\n")
    assert status == 0
    assert out.splitlines() == ["a-samsmu-iia-auth-iia-2025-117: no change", "The file changes nothing; nothing saved."]
    assert Store().current() == 2


def test_another_institutions_editor_is_refused(cli):
    status, _, err = cli(*IMPORT, "--editor", "ali", "--password-stdin", stdin="ali-pass-1\n")
    assert status == 1
    assert "ali may not change these rows of other institutions:" in err
    assert "agreements a-samsmu-iia-auth-iia-2025-117" in err


def test_an_unmapped_partner_is_named_and_nothing_is_saved(cli):
    status, out, err = cli("iia", "import", str(AUTH), "--institution", "samsmu", "--dry-run")
    assert status == 1
    assert 'give --partner auth.gr=PARTNER_ID or --new-partner "auth.gr=NAME;COUNTRY"' in err


def test_the_calendar_file_parses_back(cli, tmp_path):
    from icalendar import Calendar

    status, _, err = cli("calendar", "--institution", "samsmu", "--out", str(tmp_path / "r.ics"))
    assert (status, err) == (0, "")
    events = [(str(e["summary"]), e.decoded("dtstart").isoformat())
              for e in Calendar.from_ical((tmp_path / "r.ics").read_bytes()).walk("VEVENT")]
    assert events == [
        ("Renew agreement a-old with Aristotle University of Thessaloniki (expires in 6 months)", "2025-09-30"),
        ("Next action on agreement a-old with Aristotle University of Thessaloniki", "2026-01-15"),
        ("Agreement a-old with Aristotle University of Thessaloniki expires", "2026-03-31"),
    ]


def test_the_digest_is_received_by_a_local_smtp_server(cli, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    import socket

    with socket.socket() as probe:  # a free local port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("COOP_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("COOP_SMTP_PORT", str(port))
        monkeypatch.setenv("COOP_SMTP_FROM", "coop@sammu.uz")
        import datetime

        import datastore.iia_cli as iia_cli

        class Today(datetime.date):
            @classmethod
            def today(cls):
                return cls(2025, 12, 1)

        monkeypatch.setattr(iia_cli, "date", Today)
        status, out, err = cli("digest", "--institution", "samsmu", "--to", "office@sammu.uz")
    finally:
        controller.stop()
    assert (status, err) == (0, "")
    [message] = received
    assert message["To"] == "office@sammu.uz"
    assert message["Subject"] == "Agreements of SamSMU: what is due (as of 1 December 2025)"
    body = message.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")
    assert body.startswith("Agreements of SamSMU as of 1 December 2025.\n")
    assert "Next actions overdue:\n  none" in body
    assert ("Due in the next 180 days:\n"
            "  15 January 2026: Next action on agreement a-old with Aristotle University of Thessaloniki"
            " (Dilnoza (international office))\n"
            "  31 March 2026: Agreement a-old with Aristotle University of Thessaloniki expires"
            " (Dilnoza (international office))") in body


def test_no_smtp_server_set_is_said(cli, monkeypatch):
    monkeypatch.delenv("COOP_SMTP_HOST", raising=False)
    status, _, err = cli("digest", "--institution", "samsmu", "--to", "office@sammu.uz")
    assert status == 1 and err.startswith("No SMTP server is set")

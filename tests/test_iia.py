"""Erasmus inter-institutional agreement files (IIA v7) in and out (docs/agreements.md).

tests/data/ewp/ holds the official example and a file written like a partner would send
one (see its README). Expected values are read off those files by hand.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from datastore.iia import IiaError, read_iias, validation_errors
from datastore.iia_store import apply_plans, export_agreement, plan_import
from loaders import load_dataset

DATA = Path(__file__).resolve().parent / "data" / "ewp"
EXAMPLE = (DATA / "iias-get-response-v7-example.xml").read_bytes()
AUTH = (DATA / "auth-samsmu-iia.xml").read_bytes()
ROOT = Path(__file__).resolve().parent.parent


def _frames(partners: str) -> dict[str, pd.DataFrame]:
    """Text tables as the store keeps them: one institution uw.edu.pl, the given partners."""
    institutions = pd.DataFrame([{"institution_id": "uw", "name": "University of Warsaw",
                                  "short_name": "UW", "city": "Warsaw", "country": "POL",
                                  "hei_id": "uw.edu.pl"}])
    rows = [dict(zip(["partner_id", "name", "type", "country", "city", "website"], line.split(","), strict=True))
            for line in partners.strip().splitlines()]
    return {"institutions": institutions, "partners": pd.DataFrame(rows),
            "agreements": pd.DataFrame(columns=["agreement_id", "institution_id", "partner_id", "kind"]),
            "visits": pd.DataFrame(columns=["visit_id", "institution_id", "partner_id", "direction", "activity"])}


HIBO = "hvl,Western Norway University of Applied Sciences,university,NOR,Bergen,https://www.hibo.no/en"


def _load(frames: dict[str, pd.DataFrame], folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return load_dataset(folder)


def test_the_official_example_is_read_term_by_term():
    [iia] = read_iias(EXAMPLE)
    assert [(p.hei_id, p.iia_id, p.iia_code) for p in iia.partners] == [
        ("uw.edu.pl", "0f7a5682-faf7-49a7-9cc7-ec486c49a281", "983/E+/III14&15"),
        ("hibo.no", "1954991", "2014/E+/PL/4104B")]
    assert iia.in_effect is True
    assert [(t.mobility_type, t.sending_hei, t.receiving_hei, t.first_year, t.last_year,
             t.mobilities_per_year, t.months_per_year, t.days_per_year, t.eqf, t.languages)
            for t in iia.terms] == [
        ("student_studies", "uw.edu.pl", "hibo.no", "2014/2015", "2020/2021", 2, 5.0, None, ["7", "8"], ["en:B1", "no:B1"]),
        ("student_traineeship", "uw.edu.pl", "hibo.no", "2014/2015", "2020/2021", 10, 10.0, None, [], ["no:B1"]),
        ("staff_teaching", "uw.edu.pl", "hibo.no", "2016/2017", "2017/2018", 2, None, 8.0, [], ["en:C1"]),
        ("staff_teaching", "hibo.no", "uw.edu.pl", "2016/2017", "2017/2018", 2, None, 14.0, [], ["en:C1"]),
        ("staff_training", "hibo.no", "uw.edu.pl", "2016/2017", "2017/2018", 2, None, 14.0, [], ["en:B2"]),
    ]
    assert all(t.isced == ["0314"] for t in iia.terms)


def test_the_example_imported_with_the_partner_found_by_its_website(tmp_path):
    frames = _frames(HIBO)
    [plan] = plan_import(EXAMPLE, frames, "uw", "example.xml")
    assert (plan.partner_id, plan.existing, plan.agreement_id) == ("hvl", False, "a-uw-iia-1954991")
    assert [t["direction"] for t in plan.terms] == ["outgoing", "outgoing", "outgoing", "incoming", "incoming"]
    notes = plan.agreement["notes"].splitlines()
    assert "EWP our iia-id: 0f7a5682-faf7-49a7-9cc7-ec486c49a281" in notes
    assert "EWP our signing-contact: Sylwia Nowak, email@example.com" in notes
    assert "EWP term 1 sending-ounit-id: 140" in notes
    assert "EWP pdf-file: 4a483112-d306-4e77-87ff-05b823fb0e0f" in notes
    assert (plan.agreement["iia_id"], plan.agreement["stage"], plan.agreement["expires_on"]) == (
        "1954991", "in_effect", "2021-08-31")
    dataset = _load(apply_plans(frames, [plan]), tmp_path / "d")
    assert [p.line() for p in dataset.problems if p.severity == "error"] == []
    assert len(dataset.tables["agreement_terms"]) == 5


def test_exported_back_valid_and_reimported_with_no_change(tmp_path):
    frames = apply_plans(_frames(HIBO), plan_import(EXAMPLE, _frames(HIBO), "uw", "example.xml"))
    dataset = _load(frames, tmp_path / "d")
    out = export_agreement(dataset.tables, "a-uw-iia-1954991")
    assert validation_errors(out) == []
    [again] = read_iias(out)
    assert [(p.hei_id, p.iia_id) for p in again.partners] == [
        ("uw.edu.pl", "0f7a5682-faf7-49a7-9cc7-ec486c49a281"), ("hibo.no", "1954991")]
    [plan] = plan_import(out, frames, "uw", "example.xml")
    assert plan.existing and plan.unchanged, plan.changes


def test_a_newer_copy_updates_the_same_agreement(tmp_path):
    frames = apply_plans(_frames(HIBO), plan_import(EXAMPLE, _frames(HIBO), "uw", "example.xml"))
    newer = EXAMPLE.replace(b"<mobilities-per-year>10</mobilities-per-year>", b"<mobilities-per-year>12</mobilities-per-year>")
    [plan] = plan_import(newer, frames, "uw", "example-2.xml")
    assert plan.existing and plan.changes == [("terms", "5", "5")]
    after = apply_plans(frames, [plan])
    assert len(after["agreements"]) == 1
    assert list(after["agreement_terms"]["mobilities_per_year"]) == ["2", "12", "2", "2", "2"]


def test_an_unknown_partner_is_listed_then_created():
    frames = _frames("x,Someone else,university,NOR,Oslo,https://www.uio.no")
    [plan] = plan_import(EXAMPLE, frames, "uw")
    assert plan.partner_id is None
    with pytest.raises(IiaError):
        apply_plans(frames, [plan])
    [plan] = plan_import(EXAMPLE, frames, "uw", new_partners={"hibo.no": {"name": "HVL", "country": "NOR"}})
    after = apply_plans(frames, [plan])
    created = after["partners"].set_index("partner_id").loc["p-hibo-no"]
    assert (created["name"], created["hei_id"], created["country"]) == ("HVL", "hibo.no", "NOR")


@pytest.mark.parametrize("data, code", [
    (b"not xml at all", "not_xml"),
    (b"<html><body>hello</body></html>", "not_iia"),
    (EXAMPLE.replace(b"<in-effect>true</in-effect>", b""), "invalid"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "not_xml"),
])
def test_a_file_that_is_not_a_valid_iia_gets_one_clear_message(data, code):
    with pytest.raises(IiaError) as caught:
        read_iias(data)
    assert caught.value.code == code


def test_a_partners_file_into_the_curated_data_and_its_use(tmp_path):
    """AUTH's file for SamSMU, mapped to the curated partner; its use shown by quota."""
    from datastore.rows import frames_from_folder
    from metrics.quota import use_against_quota

    curated = load_dataset(ROOT / "data")
    frames, _ = frames_from_folder(ROOT / "data")
    [plan] = plan_import(AUTH, frames, "samsmu", "auth.xml", our_hei="sammu.uz", partner_map={"auth.gr": "p-aristotle"})
    assert (plan.partner_id, plan.agreement_id) == ("p-aristotle", "a-samsmu-iia-auth-iia-2025-117")
    assert [(t["mobility_type"], t["direction"], t["mobilities_per_year"]) for t in plan.terms] == [
        ("student_studies", "outgoing", "2"), ("staff_teaching", "incoming", "2"), ("staff_teaching", "outgoing", "1")]
    dataset = _load(apply_plans(frames, [plan]), tmp_path / "d")
    assert len(dataset.tables["agreements"]) == len(curated.tables["agreements"]) + 1
    uses = use_against_quota(dataset.tables, pd.Timestamp("2025-10-01").date())
    assert [(u.mobility_type, u.direction, u.academic_year, u.planned, u.actual, u.state) for u in uses] == [
        ("student_studies", "outgoing", "2025/2026", 2, 0, "under_used"),
        ("staff_teaching", "incoming", "2025/2026", 2, 0, "under_used"),
        ("staff_teaching", "outgoing", "2025/2026", 1, 0, "under_used")]


def test_the_command_line_export_names_what_is_missing(tmp_path):
    env = {"COOP_DATA": str(ROOT / "data"), "COOP_STORE": str(tmp_path / "store"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "datastore", "iia", "export", "a-samsmu-aristotle",
                          "--out", str(tmp_path / "x.xml")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip() == "samsmu has no hei_id (its EWP id); an IIA needs both."

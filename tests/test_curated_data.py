"""The curated dataset in data/: facts from the two source documents, checked by hand.

Expected values were worked out by reading the SamSMU web page (000_22ea42b7b3877478.txt)
and the ADMI article (004_1cb6c8268623adf7.txt). The CSVs are read with the csv module, so
these tests do not depend on the loaders; the last test also loads data/ with them.
"""

import csv
import importlib.util
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
SAMSMU_DOC = "000_22ea42b7b3877478.txt"
ADMI_DOC = "004_1cb6c8268623adf7.txt"
TABLES = ["institutions", "partners", "agreements", "visits", "grants", "students"]

SHANDONG_TITLE = (
    "Early detection of orthopedic (joint) diseases and drug selection based on "
    "multimodal large models"
)


def read(table):
    with open(DATA / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def by_key(table, key):
    return {r[key]: r for r in read(table)}


def test_row_counts():
    assert {t: len(read(t)) for t in TABLES} == {
        "institutions": 2,
        "partners": 30,
        "agreements": 21,
        "visits": 23,
        "grants": 1,
        "students": 1,
    }


def test_institutions():
    inst = by_key("institutions", "institution_id")
    assert set(inst) == {"samsmu", "admi"}
    assert (inst["samsmu"]["short_name"], inst["samsmu"]["city"]) == ("SamSMU", "Samarkand")
    assert (inst["admi"]["short_name"], inst["admi"]["city"]) == ("ADMI", "Andijan")
    assert {r["country"] for r in inst.values()} == {"UZB"}


@pytest.mark.parametrize("table", TABLES)
def test_every_row_cites_a_seed_document(table):
    for i, row in enumerate(read(table), start=2):
        source = (row.get("source") or "").strip()
        assert source, f"{table}.csv line {i}: empty source"
        assert source.startswith((SAMSMU_DOC, ADMI_DOC)), f"{table}.csv line {i}: {source[:60]}"
        assert '"' in source, f"{table}.csv line {i}: source has no quotation"


@pytest.mark.parametrize(
    "table,key",
    [("institutions", "institution_id"), ("partners", "partner_id"),
     ("agreements", "agreement_id"), ("visits", "visit_id"), ("grants", "grant_id")],
)
def test_keys_unique_and_refs_resolve(table, key):
    rows = read(table)
    keys = [r[key] for r in rows]
    assert len(keys) == len(set(keys))
    assert all(k and k == k.strip() for k in keys)
    institutions = set(by_key("institutions", "institution_id"))
    partners = set(by_key("partners", "partner_id"))
    for r in rows:
        if "institution_id" in r and table != "institutions":
            assert r["institution_id"] in institutions
        if r.get("partner_id"):
            assert r["partner_id"] in partners
        for pid in filter(None, (p.strip() for p in r.get("partner_ids", "").split(";"))):
            assert pid in partners


def test_partner_facts():
    p = by_key("partners", "partner_id")
    expected = {
        "p-shandong": ("Shandong University", "university", "CHN", "Jinan"),
        "p-aristotle": ("Aristotle University of Thessaloniki", "university", "GRC", "Thessaloniki"),
        "p-yonsei": ("Yonsei University", "university", "KOR", "Seoul"),
        "p-kosice": ("University of Kosice", "university", "SVK", "Kosice"),
        "p-ege": ("Ege University (Dentistry and Medical Faculties)", "university", "TUR", "Izmir"),
        "p-kazan": ("Kazan Federal University", "university", "RUS", "Kazan"),
        "p-case-western": ("Case Western Reserve University", "university", "USA", "Cleveland"),
        "p-mesca": ("MESCA Foundation – National Eye Institute", "foundation", "UZB", "Tashkent"),
        "p-apollo-agra": ("Apollo Clinic, Agra branch", "hospital", "IND", "Agra"),
        "p-sppu": ("Savitribai Phule Pune University", "university", "IND", "Pune"),
        "p-korea-ginseng": ("Korea Ginseng Export", "company", "KOR", "Cheongju"),
        "p-rheumatology-kz": (
            "Rheumatology Center of the Republic of Kazakhstan", "research_center", "KAZ", ""),
        # "in Kerala" names a state, not a city: kept as typed, placed at country level
        "p-ayurveda-kerala": ("Ayurvedic Treatment Center, Kerala", "hospital", "IND", "Kerala"),
    }
    for pid, (name, type_, country, city) in expected.items():
        assert (p[pid]["name"], p[pid]["type"], p[pid]["country"], p[pid]["city"]) == (
            name, type_, country, city), pid
    allowed = {"university", "research_center", "hospital", "foundation", "company",
               "government", "association", "other"}
    assert {r["type"] for r in p.values()} <= allowed
    assert all(len(r["country"]) == 3 and r["country"].isupper() for r in p.values())


def test_agreements_kinds_and_no_invented_dates():
    ag = by_key("agreements", "agreement_id")
    assert ag["a-admi-mesca"]["kind"] == "mou"
    assert ag["a-admi-sppu"]["kind"] == "mou"
    assert ag["a-samsmu-shandong"]["kind"] == "grant_project"
    assert ag["a-samsmu-rheumatology-kz"]["kind"] == "academic_mobility"
    assert {a for a, r in ag.items() if r["kind"] == "mou"} == {"a-admi-sppu", "a-admi-mesca"}
    # Neither document dates an agreement.
    assert all(r["signed_on"] == "" and r["expires_on"] == "" for r in ag.values())
    per_inst = {i: sum(r["institution_id"] == i for r in ag.values()) for i in ("samsmu", "admi")}
    assert per_inst == {"samsmu": 6, "admi": 15}


def test_shandong_grant():
    (g,) = read("grants")
    assert g["title"] == SHANDONG_TITLE
    assert (g["institution_id"], g["partner_ids"], g["status"]) == ("samsmu", "p-shandong", "active")
    assert (g["faculty"], g["department"]) == ("Pediatrics", "Internal Medicine")
    assert g["amount"] == "" and g["currency"] == ""  # not given by the source


def test_togizbaev_visit():
    v = by_key("visits", "visit_id")["v-samsmu-togizbaev"]
    assert "Togizbaev" in v["person"]
    assert (v["institution_id"], v["partner_id"], v["direction"]) == (
        "samsmu", "p-rheumatology-kz", "incoming")
    assert (v["faculty"], v["department"]) == ("Pediatrics", "Internal Medicine")
    assert "clinical residents" in v["audience"] and "Pediatrics" in v["audience"]


def test_tajik_lecturers_one_joint_visit():
    rows = [r for r in read("visits") if "Narzullaeva" in r["person"]]
    assert len(rows) == 1
    assert "Kasimova" in rows[0]["person"]
    assert rows[0]["faculty"] == "Pediatrics; General Medicine; Pharmacy"
    assert rows[0]["partner_id"] == "p-tj-postgraduate"


def test_admi_remote_lectures():
    rows = [r for r in read("visits") if r["mode"] == "remote"]
    assert sorted(r["partner_id"] for r in rows) == sorted([
        "p-pirogov", "p-burdenko", "p-blokhin", "p-dagestan-smu", "p-yonsei", "p-kosice"])
    for r in rows:
        assert (r["institution_id"], r["direction"], r["activity"]) == ("admi", "incoming", "lectures")
        assert r["sessions"] == ""  # "more than 30" in total, never split per partner


def test_admi_outgoing_mobility_countries():
    rows = [r for r in read("visits") if r["direction"] == "outgoing" and r["activity"] == "training"]
    assert sorted(r["country"] for r in rows) == sorted(
        ["KOR", "RUS", "BLR", "UKR", "DEU", "SVK", "PRT", "IRN", "KAZ", "KGZ"])
    assert all(r["partner_id"] == "" and r["institution_id"] == "admi" for r in rows)


def test_other_admi_visits():
    v = by_key("visits", "visit_id")
    assert (v["v-admi-hafezi"]["person"], v["v-admi-hafezi"]["activity"]) == ("Nikki Hafezi", "delegation")
    delegations = {k for k, r in v.items() if r["direction"] == "outgoing" and r["activity"] == "delegation"}
    assert {v[k]["partner_id"] for k in delegations} == {"p-apollo-agra", "p-sppu", "p-korea-ginseng"}
    surgery = [r for r in v.values() if r["activity"] == "surgery"]
    assert [(r["direction"], r["country"], r["partner_id"]) for r in surgery] == [("incoming", "IND", "")]
    # No document gives a visit date or a count.
    assert all(r[c] == "" for r in v.values()
               for c in ("start_date", "end_date", "sessions", "participants"))


def test_korean_students():
    (s,) = read("students")
    assert (s["institution_id"], s["country"], s["count"], s["academic_year"]) == (
        "admi", "KOR", "30", "2023/2024")
    assert "over 30" in s["source"]


def test_the_two_documents():
    """Cited by title, author, date and address only where the documents say them: neither
    gives a date or an address of its own (the article's references are dated February
    2024, which dates the references, not the article)."""
    docs = by_key("documents", "doc_id")
    assert set(docs) == {SAMSMU_DOC, ADMI_DOC}
    web, article = docs[SAMSMU_DOC], docs[ADMI_DOC]
    assert (web["title"], web["kind"], web["language"], web["public"]) == (
        "International Cooperation Relations", "web_page", "en", "yes")
    assert (article["title"], article["kind"], article["author"], article["public"]) == (
        "International cooperation works undertaken at the Andijan State Medical Institute",
        "article", "Guldona Anvarbekovna Mamasolieva", "yes")
    for doc in (web, article):
        assert (doc["published_on"], doc["url"], doc["file"]) == ("", "", "")
    assert "February 2024" in article["note"]
    # the dataset cites the documents, it does not copy them
    assert not (DATA / "documents").exists()


def test_every_source_resolves_to_one_of_the_two_documents():
    if importlib.util.find_spec("loaders") is None:
        pytest.skip("the loaders package is not in this tree")
    from loaders import load_dataset
    from metrics.documents import DocumentIndex

    ds = load_dataset(DATA)
    assert [p.code for p in ds.problems if p.code == "unknown_document"] == []
    index = DocumentIndex(ds.tables["documents"])
    cited = {t: {index.resolve(s) for s in ds.tables[t]["source"]} for t in TABLES}
    assert set().union(*cited.values()) == {SAMSMU_DOC, ADMI_DOC}


def test_optional_tables_without_seed_support_are_absent_or_empty():
    for table in ("fx_rates", "targets"):
        path = DATA / f"{table}.csv"
        if path.exists():
            assert read(table) == []


def test_loaders_read_curated_data_without_errors():
    if importlib.util.find_spec("loaders") is None:
        pytest.skip("the loaders package is not in this tree")
    from loaders import load_dataset

    ds = load_dataset(DATA)
    assert ds.fatal is None
    errors = [p for p in ds.problems if p.severity == "error"]
    assert errors == []
    assert len(ds.tables["institutions"]) == 2
    assert len(ds.tables["visits"]) == 23
    # partner-less visits keep their own country; the others take the partner's
    assert {"KOR", "IND", "RUS", "SVK", "UZB"} <= set(ds.tables["visits"]["country"])

"""Publication readers, matching and the co-publication figures (expected values by hand)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import research
from loaders import load_dataset
from metrics import Scope
from research import address, figures
from research.match import name_key
from research.read import read_publications

DATA = Path(__file__).resolve().parent / "data" / "research"
DEMO = DATA / "demo"
AS_OF = date(2025, 6, 30)


# -- addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "country"), [
    ("Shandong Univ, Sch Publ Hlth, Jinan 250012, Peoples R China.", "CHN"),
    ("Univ Oxford, Nuffield Dept Med, Oxford OX3 7BN, England.", "GBR"),
    ("Univ Edinburgh, Edinburgh EH8 9YL, Midlothian, Scotland.", "GBR"),
    ("Univ Calif San Francisco, Dept Med, San Francisco, CA 94143 USA.", "USA"),
    ("HARVARD UNIV,SCH MED,BOSTON,MA 02115", "USA"),
    ("Khalifa Univ, Abu Dhabi, U Arab Emirates.", "ARE"),
    ("Samarkand State Med Univ, Samarkand 140100, Uzbekistan.", "UZB"),
    ("Inst Nowhere, Atlantis.", None),
])
def test_wos_country(text, country):
    assert address.wos_country(text) == country


def test_scopus_address_parts():
    text = "Beckman Institute, University of Illinois at Urbana-Champaign, Urbana, IL 61801, United States"
    assert address.scopus_country(text) == "USA"
    assert address.organisation(text) == "University of Illinois at Urbana-Champaign"
    assert address.city(text) == "Urbana"
    text = "UMR CNRS/UHP 7565, Université Henri Poincaré, 54506 Vandaeuvre-les-Nancy, Cedex, France"
    assert (address.organisation(text), address.city(text), address.scopus_country(text)) == (
        "Université Henri Poincaré", "Vandaeuvre-les-Nancy", "FRA")
    assert address.organisation("Univ Oxford, Dept Med, Oxford, England", org_first=True) == "Univ Oxford"


# -- readers -----------------------------------------------------------------------


def test_wos_plain_text_read_exactly():
    pubs = read_publications([DATA / "wos_plain.txt"])
    assert pubs.papers["paper_id"].tolist() == [
        "10.1000/wos.0001", "10.1000/wos.0002", "wos:WOS:A1994NB12300001",
        "wos:WOS:000100000000005", "wos:WOS:000100000000006"]
    assert pubs.papers["year"].tolist() == [2023, 2021, 1994, 2022, 2022]
    assert pubs.papers.loc[0, "title"] == "Hepatitis B screening in Samarkand: a joint cohort study"
    aff = pubs.affiliations[["paper_id", "org", "country", "city"]].astype(object)
    rows = aff.where(aff.notna(), None).values.tolist()
    assert rows == [
        ["10.1000/wos.0001", "Samarkand State Med Univ", "UZB", "Samarkand"],
        ["10.1000/wos.0001", "Shandong Univ", "CHN", "Jinan"],
        ["10.1000/wos.0001", "Univ Oxford", "GBR", "Oxford"],
        ["10.1000/wos.0002", "Samarkand State Med Univ", "UZB", "Samarkand"],
        ["10.1000/wos.0002", "Univ Calif San Francisco", "USA", "San Francisco"],
        ["wos:WOS:A1994NB12300001", "HARVARD UNIV", "USA", "BOSTON"],
        ["wos:WOS:000100000000006", "Inst Nowhere", None, ""],
    ]
    found = [(p.severity, p.table, p.row, p.column, p.value, p.code) for p in pubs.problems]
    assert found == [
        ("error", "publications/wos_plain.txt", 42, "PY", "", "pub_no_year"),
        ("warning", "publications/wos_plain.txt", 50, "C1", "WOS:000100000000005", "pub_no_affiliation"),
        ("warning", "publications/wos_plain.txt", 58, "C1", "Inst Nowhere, Atlantis.", "pub_unknown_country"),
    ]
    assert pubs.problems[0].message == "The publication year (PY) is empty; the paper is left out of every figure."


def test_wos_tab_delimited_and_merge_by_doi():
    pubs = read_publications([DATA / "wos_plain.txt", DATA / "wos_tab.txt"])
    # 5 papers from the plain text, plus WOS:...007 (no DOI: its UT) from the tab file;
    # the tab file's first record has the DOI of the plain text's first: one paper.
    assert len(pubs.papers) == 6
    merged = pubs.papers.set_index("paper_id").loc["10.1000/wos.0001"]
    assert merged["files"] == ["wos_plain.txt:3", "wos_tab.txt:2"]
    assert merged["source_ids"] == ["wos:WOS:000100000000001"]
    # Affiliations of the first record with any (the plain text's three), not both.
    assert (pubs.affiliations["paper_id"] == "10.1000/wos.0001").sum() == 3
    seven = pubs.affiliations[pubs.affiliations["paper_id"] == "wos:WOS:000100000000007"]
    assert seven[["org", "country", "city"]].values.tolist() == [
        ["Samarkand State Med Univ", "UZB", "Samarkand"], ["Seoul Natl Univ", "KOR", "Seoul"]]
    tab_problems = [(p.row, p.column, p.value, p.code) for p in pubs.problems if p.table == "publications/wos_tab.txt"]
    assert tab_problems == [(4, "PY", "20x4", "pub_bad_year")]


def test_wos_tab_addresses_split_outside_brackets():
    pubs = read_publications([DATA / "wos_tab.txt"])
    first = pubs.affiliations[pubs.affiliations["paper_id"] == "10.1000/wos.0001"]
    # "[Li, Wei; Smith, John] Shandong Univ, ..." is one address, not two.
    assert first["org"].tolist() == ["Samarkand State Med Univ", "Shandong Univ"]


def test_scopus_real_export_slice_and_whole_file():
    pubs = read_publications([DEMO / "publications" / "demo" / "scopus.csv"])
    assert len(pubs.papers) == 58
    assert pubs.affiliations["paper_id"].nunique() == 49
    assert [p.code for p in pubs.problems] == ["pub_no_affiliation"] * 9
    first = pubs.affiliations[pubs.affiliations["paper_id"] == "10.1002/jcc.20289"]
    assert first[["org", "country"]].values.tolist() == [
        ["University of Illinois at Urbana-Champaign", "USA"], ["Université Henri Poincaré", "FRA"],
        ["University of Illinois at Urbana-Champaign", "USA"]]
    row4 = pubs.papers.set_index("paper_id").loc["10.1038/s41598-022-04849-0"]
    # This row has one cell more than the header: the EID is that last cell.
    assert row4["source_ids"] == ["scopus:2-s2.0-85123480963"]
    assert row4["year"] == 2022
    assert set(pubs.affiliations.loc[pubs.affiliations["paper_id"] == "10.1038/s41598-022-04849-0", "country"]) == {"POL"}


def test_openalex_real_export():
    pubs = read_publications([DEMO / "publications" / "demo" / "openalex_works.json"])
    assert len(pubs.papers) == 49
    assert pubs.affiliations["paper_id"].nunique() == 37
    first = pubs.affiliations[pubs.affiliations["paper_id"] == "10.4081/gh.2014.294"]
    assert first[["org", "country", "ror"]].values.tolist() == [
        ["Institute for Forecasting", "SVK", "https://ror.org/05b5a6q69"],
        ["Tufts University", "USA", "https://ror.org/05wvpxv85"],
        ["Center For Remote Sensing (United States)", "USA", "https://ror.org/021wvg932"],
        ["Boston University", "USA", "https://ror.org/05qwgg493"]]


def test_unknown_file_is_one_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\nworld\n", encoding="utf-8")
    pubs = read_publications([path])
    assert pubs.papers.empty
    assert [(p.severity, p.table, p.row, p.code) for p in pubs.problems] == [
        ("error", "publications/notes.txt", None, "pub_unknown_format")]


# -- matching and figures on a tiny hand-made dataset --------------------------------

WOS = [  # (UT, year, addresses)
    ("W1", 2021, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Shandong Univ, Jinan, Peoples R China",
                  "Univ Oxford, Oxford, England"]),
    ("W2", 2022, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Shandong Univ, Jinan, Peoples R China"]),
    ("W3", 2023, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Shandong Univ, Jinan, Peoples R China",
                  "Peking Univ, Beijing, Peoples R China"]),
    ("W4", 2024, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Univ Oxford, Oxford, England",
                  "Peking Univ, Beijing, Peoples R China"]),
    ("W5", 2025, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Univ Oxford, Oxford, England",
                  "Peking Univ, Beijing, Peoples R China"]),
    ("W6", 2019, ["Samarkand State Med Univ, Samarkand, Uzbekistan", "Shandong Univ, Jinan, Peoples R China"]),
    ("W7", 2023, ["Tashkent Med Acad, Tashkent, Uzbekistan", "Univ Oxford, Oxford, England"]),
    ("W8", 2024, ["Samarkand State Med Univ, Samarkand, Uzbekistan"]),
]


def _write_tiny(folder: Path) -> None:
    folder.mkdir()
    (folder / "institutions.csv").write_text(
        "institution_id,name,short_name,city,country\nh1,Samarkand State Medical University,SamSMU,Samarkand,UZB\n")
    (folder / "partners.csv").write_text(
        "partner_id,name,type,country,city\n"
        "p1,Shandong University,university,CHN,Jinan\n"
        "p2,University of Oxford,university,GBR,Oxford\n"
        "p3,Kazan Federal University,university,RUS,Kazan\n"
        "p4,Peking University Health Science Center,university,CHN,Beijing\n")
    (folder / "agreements.csv").write_text(
        "agreement_id,institution_id,partner_id,kind,signed_on,expires_on\n"
        "a1,h1,p1,mou,2020-01-01,2030-01-01\na2,h1,p2,cooperation_agreement,2020-01-01,2030-01-01\n"
        "a3,h1,p3,mou,2022-01-01,2030-01-01\n")
    (folder / "visits.csv").write_text(
        "visit_id,institution_id,partner_id,direction,activity,start_date\nv1,h1,p3,outgoing,training,2024-05-01\n")
    records = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for ut, year, addresses in WOS:
        records += ["PT J", "AU X, Y", f"TI Paper {ut}", f"PY {year}", f"C1 {addresses[0]}"]
        records += [f"   {a}" for a in addresses[1:]]
        records += [f"UT WOS:{ut}", "ER", ""]
    (folder / "publications").mkdir()
    (folder / "publications" / "savedrecs.txt").write_text("\n".join([*records, "EF", ""]), encoding="utf-8")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny") / "data"
    _write_tiny(folder)
    ds = load_dataset(folder)
    assert ds.fatal is None and not ds.errors
    files, problems = research.publication_files(folder, ds.tables)
    return ds.tables, research.load_research(ds.tables, files, problems)


def test_name_key_reads_wos_abbreviations():
    assert name_key("Univ Oxford") == name_key("University of Oxford") == "univ oxford"
    assert name_key("Samarkand State Med Univ") == name_key("Samarkand State Medical University")


def test_matching_certain_and_uncertain(tiny):
    _tables, res = tiny
    aff = res.affiliations
    by_org = aff.drop_duplicates("org").set_index("org")
    assert by_org.loc["Samarkand State Med Univ", "home_id"] == "h1"
    assert by_org.loc["Shandong Univ", "partner_id"] == "p1"
    assert by_org.loc["Univ Oxford", "partner_id"] == "p2"
    # Peking Univ is within "Peking University Health Science Center": a candidate only.
    assert pd.isna(by_org.loc["Peking Univ", "partner_id"])
    assert res.uncertain[["org", "kind", "candidate_id", "reason", "papers"]].values.tolist() == [
        ["Peking Univ", "partner", "p4", "name_within", 3]]
    assert res.uncertain.loc[0, "paper_ids"] == ["wos:WOS:W3", "wos:WOS:W4", "wos:WOS:W5"]
    # W7 names no institution of the dataset: not attributed.
    assert res.unattributed["paper_id"].tolist() == ["wos:WOS:W7"]


def test_summary_and_per_year(tiny):
    tables, res = tiny
    scope = Scope(as_of=AS_OF)
    got = figures.summary(res, tables, scope)
    assert (got["papers"], got["with_affiliations"], got["international"]) == (7, 7, 6)
    assert got["international_share"] == pytest.approx(6 / 7)
    assert got["countries"] == {"CHN": 6, "GBR": 3, "UZB": 7}
    assert got["evidence"]["international"] == [f"wos:WOS:W{i}" for i in (1, 2, 3, 4, 5, 6)]
    years = figures.per_year(res, tables, scope)
    assert years[["year", "papers", "international"]].values.tolist() == [
        [2019, 1, 1], [2021, 1, 1], [2022, 1, 1], [2023, 1, 1], [2024, 2, 1], [2025, 1, 1]]
    assert years.loc[4, "paper_ids"] == ["wos:WOS:W4", "wos:WOS:W8"]
    narrowed = figures.summary(res, tables, Scope(as_of=AS_OF, year_from=2024, year_to=2025))
    assert (narrowed["papers"], narrowed["international"]) == (3, 2)


def test_foreign_institutions_and_countries(tiny):
    tables, res = tiny
    scope = Scope(as_of=AS_OF)
    inst = figures.foreign_institutions(res, tables, scope)
    assert inst[["org_name", "country", "papers"]].values.tolist() == [
        ["Shandong University", "CHN", 4], ["Peking Univ", "CHN", 3], ["University of Oxford", "GBR", 3]]
    countries = figures.foreign_countries(res, tables, scope)
    assert countries[["country", "papers"]].values.tolist() == [["CHN", 6], ["GBR", 3]]
    only_gbr = figures.summary(res, tables, Scope(as_of=AS_OF, countries={"GBR"}))
    assert only_gbr["evidence"]["papers"] == ["wos:WOS:W1", "wos:WOS:W4", "wos:WOS:W5"]


def test_qs_irn(tiny):
    tables, res = tiny
    got = figures.irn(res, tables, Scope(as_of=AS_OF))
    # 2021-2025: Shandong W1-W3, Oxford W1/W4/W5, Peking W3-W5 (W6 is 2019) -> P = 3, L = 2.
    assert got["window"] == (2021, 2025)
    assert (got["p"], got["l"], got["countries"]) == (3, 2, ["CHN", "GBR"])
    assert got["irn"] == pytest.approx(2 / math.log(3))
    # As of 2024: 2020-2024 -> Shandong W1-W3 only (Oxford and Peking have 2): P = 1, none.
    early = figures.irn(res, tables, Scope(as_of=date(2024, 12, 31)))
    assert (early["p"], early["irn"]) == (1, None)
    # The year filter does not narrow the QS window.
    assert figures.irn(res, tables, Scope(as_of=AS_OF, year_from=2025, year_to=2025))["p"] == 3


def test_gap_tables(tiny):
    tables, res = tiny
    scope = Scope(as_of=AS_OF)
    assert figures.agreements_without_papers(res, tables, scope)["agreement_id"].tolist() == ["a3"]
    assert figures.sustained_without_agreement(res, tables, scope)["org_name"].tolist() == ["Peking Univ"]
    side = figures.partner_side_by_side(res, tables, scope)
    assert side[["partner_id", "agreements", "visits", "grants", "papers"]].values.tolist() == [
        ["p1", 1, 0, 0, 4], ["p2", 1, 0, 0, 3], ["p3", 1, 1, 0, 0]]


def test_owner_folder_attributes_every_paper(tmp_path):
    folder = tmp_path / "data"
    _write_tiny(folder)
    (folder / "publications" / "h1").mkdir()
    (folder / "publications" / "savedrecs.txt").rename(folder / "publications" / "h1" / "savedrecs.txt")
    (folder / "publications" / "nobody").mkdir()
    ds = load_dataset(folder)
    files, problems = research.publication_files(folder, ds.tables)
    assert [(p.table, p.code) for p in problems] == [("publications/nobody", "pub_unknown_institution")]
    res = research.load_research(ds.tables, files, problems)
    assert res.unattributed.empty  # W7 is h1's own export now
    assert figures.summary(res, tables := ds.tables, Scope(as_of=AS_OF))["papers"] == 8
    assert tables is ds.tables


def test_demo_dataset_whole_files():
    ds = load_dataset(DEMO)
    files, problems = research.publication_files(DEMO, ds.tables)
    res = research.load_research(ds.tables, files, problems)
    got = figures.summary(res, ds.tables, Scope(as_of=AS_OF))
    # Counted from the raw files apart from the code: 58 + 49 papers (no DOI in both),
    # 49 + 37 with affiliations, 18 + 11 whose affiliations name 2+ countries.
    assert (got["papers"], got["with_affiliations"], got["international"]) == (107, 86, 29)
    assert (got["countries"]["USA"], got["countries"]["DEU"]) == (33, 15)
    irn = figures.irn(res, ds.tables, Scope(as_of=AS_OF))
    assert (irn["p"], irn["irn"], irn["institutions"]["partner_id"].tolist()) == (1, None, ["p-nyu"])


def test_report_json_publications(tmp_path):
    from report.__main__ import run

    out = tmp_path / "r.json"
    root = Path(__file__).resolve().parent.parent
    assert run([str(root / "data"), "--publications", str(DATA / "wos_plain.txt"), "--publications",
                str(DATA / "wos_tab.txt"), "--as-of", "2025-06-30", "--out", str(out)]) == 0
    import json

    got = json.loads(out.read_text(encoding="utf-8"))["publications"]
    # SamSMU ("Samarkand State Med Univ") is on WOS 0001 (UZB, CHN, GBR), 0002 (UZB, USA)
    # and 0007 (UZB, KOR); the other records name no institution of the curated dataset.
    assert (got["papers"], got["with_affiliations"], got["international"]) == (3, 3, 3)
    assert got["countries"] == {"CHN": 1, "GBR": 1, "KOR": 1, "USA": 1, "UZB": 3}
    assert (got["irn"], got["irn_p"], got["irn_countries"]) == (None, [], [])
    assert got["problems"] == {"errors": 2, "warnings": 2, "unattributed_papers": 3}


def test_institution_points_at_the_partner_the_city_or_nowhere():
    """The map's points: a partner with coordinates at its place, another institution at
    the city of its address (Jinan, Shandong: about 36.7 N, 117.0 E), an unknown country
    nowhere (no point is invented)."""
    import pandas as pd

    from research import figures
    from research.figures import Research

    aff = pd.DataFrame({"paper_id": ["p1", "p1", "p2"], "org_key": ["partner:ox", "name:shandong univ|CHN", "name:x|"],
                        "city": ["Oxford", "Jinan", ""]})
    res = Research(pd.DataFrame(), aff, pd.DataFrame(), pd.DataFrame(), [], [])
    tables = {"partners": pd.DataFrame({"partner_id": ["ox"], "type": ["university"], "lat": [51.75], "lon": [-1.26]})}
    institutions = pd.DataFrame({
        "org_key": ["partner:ox", "name:shandong univ|CHN", "name:x|"],
        "org_name": ["University of Oxford", "Shandong Univ", "Inst Nowhere"],
        "country": ["GBR", "CHN", None], "partner_id": ["ox", None, None], "papers": [3, 2, 1]})
    points = figures.institution_points(res, tables, institutions)
    assert points[["name", "type", "activity"]].values.tolist() == [
        ["University of Oxford", "university", 3], ["Shandong Univ", "other", 2], ["Inst Nowhere", "other", 1]]
    assert (points.loc[0, "lat"], points.loc[0, "lon"]) == (51.75, -1.26)
    assert abs(points.loc[1, "lat"] - 36.7) < 0.3 and abs(points.loc[1, "lon"] - 117.0) < 0.3
    assert pd.isna(points.loc[2, "lat"]) and pd.isna(points.loc[2, "lon"])

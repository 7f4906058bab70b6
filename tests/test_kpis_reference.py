"""Differential test: metrics.compute_kpis (and the JSON report) against the naive
reference of tests/kpi_reference.py, on synthetic datasets and one hand-made dataset of
edge cases, for a table of scopes. Counts must match exactly, floats to 1e-9."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from kpi_reference import KPI_NAMES, RefScope, prepare, reference_kpis

from loaders import load_dataset
from loaders.synth import write_synth
from metrics import Scope, compute_kpis, compute_kpis_with_notes, targets_vs_actual, year_over_year
from report.json_report import build_report

REPO = Path(__file__).resolve().parent.parent
SYNTH = [(300, 1), (800, 7), (1200, 23), (2000, 42)]
NOTES = ("lecture_sessions_unknown", "grants_without_rate")

HAND = {
    "institutions": """institution_id,name,short_name,city,country
sam,Samarkand State Medical University,SamSMU,Samarkand,UZB
adm,Andijan State Medical Institute,ADMI,Andijan,UZB
ast,Astana Medical University,AMU,Astana,KAZ
""",
    "partners": """partner_id,name,type,country,city
kr1,Seoul National University,university,KOR,Seoul
kr2,Korea Research Centre,research_center,KOR,Daejeon
krh,Seoul Hospital,hospital,KOR,Seoul
de1,Charite,university,DEU,Berlin
tr1,Hacettepe University,research_center,TUR,Ankara
kz1,Kazakh University,university,KAZ,Almaty
uz1,Tashkent Medical Academy,university,UZB,Tashkent
us1,Medico Inc,company,USA,Boston
jp1,Tokyo Foundation,foundation,JPN,Tokyo
""",
    # statuses judged at several dates; month/year precision; open-ended spans
    "agreements": """agreement_id,institution_id,partner_id,kind,faculty,signed_on,expires_on,status
a01,sam,kr1,mou,General Medicine; Pediatrics,2020-01-01,2025-12-01,
a02,sam,de1,mou,,2021-05,,
a03,adm,tr1,mou,Pediatrics,2019,2024,
a04,adm,kz1,mou,,,,planned
a05,sam,tr1,mou,Dentistry,2018-01-01,,
a06,ast,kz1,mou,General Medicine,,2026-03,
a07,ast,uz1,double_degree,,2017-06-15,2022-06-15,
a08,adm,uz1,mou,,,,
a09,sam,krh,mou,Nursing,2026-02-01,2030-01-01,
a10,adm,us1,mou,,2015,,terminated
a11,sam,jp1,mou,Pediatrics,2022-07,2025-07,
a12,ast,de1,mou,,2023-01-01,2025-12-27,
a13,adm,kr2,mou,,2019-03-01,,active
a14,sam,kz1,mou,,2027-01-01,,active
a15,adm,jp1,mou,Dentistry,2020,,
a16,ast,jp1,mou,,2020-02-29,,
""",
    "visits": """visit_id,institution_id,partner_id,country,direction,mode,activity,faculty,start_date,end_date,sessions
v01,sam,kr1,,incoming,in_person,lectures,General Medicine,2024-03-01,2024-03-05,6
v02,sam,de1,,incoming,remote,lectures,,2024-10,,
v03,adm,,KAZ,outgoing,in_person,training,Pediatrics,2023,,
v04,adm,tr1,,incoming,in_person,masterclass,Pediatrics; Dentistry,2022-01-10,,2
v05,sam,tr1,,incoming,remote,lectures,,,,3
v06,ast,kz1,,incoming,in_person,lectures,,,2021-05-02,4
v07,ast,uz1,,outgoing,in_person,conference,,2019-12-31,2020-01-02,
v08,sam,kr1,DEU,incoming,in_person,surgery,Nursing,2025-06-29,,1
v09,adm,,UZB,incoming,remote,lectures,,2018-06,,5
v10,sam,krh,,outgoing,in_person,training,Nursing,2026-01-05,,
v11,adm,kr2,,incoming,in_person,research,,2022-06-30,,0
v12,adm,jp1,,outgoing,in_person,training,Dentistry,2022-06-01,2022-07-15,
v13,ast,jp1,,incoming,in_person,lectures,,2021-02-28,,2
""",
    "grants": """grant_id,institution_id,partner_ids,title,faculty,status,start_date,end_date,amount,currency
g01,sam,kr1; de1,Joint project,General Medicine,active,2023-01-01,2026-12-31,10000,EUR
g02,adm,tr1,Training,Pediatrics,completed,2021,,5000,USD
g03,sam,krh; jp1,Clinic,,awarded,2020-05,2021-05,300000,JPY
g04,ast,kz1,Tenge,,active,2022-03-01,,1000000,KZT
g05,adm,,Alone,,awarded,,,7000,EUR
g06,sam,kr2; de1,Pending,,applied,2024-01-01,2025-01-01,9999,EUR
g07,adm,uz1; kr1,Rejected,,rejected,2016,2017,100,EUR
g08,ast,de1,Tie,,completed,2020-02-02,2022-02-02,2500,GBP
g09,sam,us1,Old,,completed,2012,2013,1234.5,EUR
g10,adm,kr2,Open,,active,,2023-06-30,400,EUR
g11,sam,jp1,Noamount,,active,2024-01-01,,,
g12,ast,kz1; uz1,Lower case,,completed,2024-02,,800,eur
g13,sam,de1,Dollars,,awarded,2019,,1000,USD
""",
    "students": """institution_id,academic_year,country,level,faculty,count
sam,2023/2024,KOR,master,General Medicine,5
sam,2024/2025,IND,undergraduate,General Medicine,40
sam,2024,PAK,undergraduate,Pediatrics,12
adm,2025/2026,TKM,undergraduate,,7
adm,2022/2023,KAZ,phd,Pediatrics,3
ast,2024/2025,UZB,residency,,9
""",
    # GBP 2018 and 2022 around a 2020 grant: a tie, the earlier year wins
    "fx_rates": """currency,year,usd_per_unit
EUR,2019,1.12
EUR,2023,1.08
EUR,2024,1.09
JPY,2020,0.0093
GBP,2018,1.33
GBP,2022,1.24
USD,2020,0.5
""",
}


def _synth(root: Path, visits: int, seed: int, *extra: str, cli: bool = False) -> Path:
    out = root / f"synth_{visits}_{seed}{''.join(extra)}"
    if cli:  # the command itself once; the other datasets in-process (faster)
        command = [
            "-m",
            "loaders",
            "synth",
            "--out",
            str(out),
            "--visits",
            str(visits),
            "--seed",
            str(seed),
        ]
        subprocess.run(
            [sys.executable, *command, *extra], cwd=REPO, check=True, capture_output=True
        )
    else:
        write_synth(out, visits=visits, seed=seed, with_errors="--with-errors" in extra)
    return out


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    root = tmp_path_factory.mktemp("kpiref")
    paths = {f"synth-{n}-{s}": _synth(root, n, s, cli=i == 0) for i, (n, s) in enumerate(SYNTH)}
    hand = root / "hand"
    hand.mkdir()
    for name, text in HAND.items():
        (hand / f"{name}.csv").write_text(text, encoding="utf-8")
    paths["hand"] = hand
    minimal = root / "minimal"  # the optional tables absent: counts 0, funding 0.0
    minimal.mkdir()
    for name in ("institutions", "partners", "agreements", "visits"):
        (minimal / f"{name}.csv").write_text(HAND[name], encoding="utf-8")
    paths["minimal"] = minimal
    paths["synth-errors"] = _synth(root, 400, 5, "--with-errors")
    loaded = {name: load_dataset(path) for name, path in paths.items()}
    for ds in loaded.values():  # the reference's rows, made once per dataset
        ds.ref_rows = prepare(ds.tables)
    return loaded


def ref(ds, **kwargs):
    return reference_kpis(ds.tables, RefScope(**kwargs), ds.ref_rows)


# (name, keyword arguments common to Scope and RefScope)
SCOPES = [
    ("all", {}),
    ("inst-sam", {"institutions": {"sam", "demo-capital"}}),
    ("inst-two", {"institutions": {"adm", "ast", "demo-oasis", "demo-zarafshan"}}),
    ("years-2022-2024", {"year_from": 2022, "year_to": 2024}),
    ("year-2020", {"year_from": 2020, "year_to": 2020}),
    ("from-2023", {"year_from": 2023}),
    ("to-2021", {"year_to": 2021}),
    ("countries-kor", {"countries": {"KOR"}}),
    ("countries-kor-deu", {"countries": {"KOR", "DEU"}}),
    ("countries-home", {"countries": {"UZB", "KAZ"}}),
    ("region-central-asia", {"regions": {"Central Asia"}}),
    ("region-plus-country", {"regions": {"Eastern Asia"}, "countries": {"DEU", "RUS"}}),
    ("faculties", {"faculties": {"General Medicine", "Pediatrics"}}),
    ("faculty-nursing", {"faculties": {"Nursing"}}),
    ("ptype-university", {"partner_types": {"university"}}),
    ("ptype-rc-hosp", {"partner_types": {"research_center", "hospital"}}),
    (
        "combo-1",
        {"institutions": {"sam", "demo-capital"}, "year_from": 2021, "countries": {"KOR", "DEU"}},
    ),
    (
        "combo-2",
        {
            "year_from": 2019,
            "year_to": 2024,
            "faculties": {"General Medicine"},
            "partner_types": {"university"},
        },
    ),
    (
        "combo-3",
        {
            "regions": {"Central Asia"},
            "partner_types": {"university", "research_center"},
            "year_to": 2023,
        },
    ),
]
AS_OFS = [
    date(2025, 6, 30),
    date(2024, 1, 1),
    date(2021, 3, 15),
    date(2026, 2, 1),
    date(2024, 2, 29),
]


def _scopes(ds_name):
    """Every scope at every as_of on the hand dataset; on a synthetic one each scope at
    one as_of (rotating), plus the unfiltered scope at all of them (keeps the test fast)."""
    for i, (name, kwargs) in enumerate(SCOPES):
        if ds_name == "hand" or name == "all":
            for as_of in AS_OFS:
                yield name, kwargs, as_of
        else:
            yield name, kwargs, AS_OFS[i % len(AS_OFS)]


def _same(name, got, want):
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if got is None:
        return False
    if isinstance(want, int) and name != "grant_funding_usd":
        return float(got) == want and float(got).is_integer()
    return math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-9)


def _diff(got, want, names):
    return {n: (got.get(n), want[n]) for n in names if not _same(n, got.get(n), want[n])}


def test_every_kpi_matches_the_reference(datasets):
    """compute_kpis and the notes beside it (lecture_sessions_unknown, grants_without_rate)."""
    failures = []
    compared = 0
    for ds_name, ds in datasets.items():
        assert ds.fatal is None, ds.fatal
        for scope_name, kwargs, as_of in _scopes(ds_name):
            want = ref(ds, as_of=as_of, **kwargs)
            got, notes = compute_kpis_with_notes(ds.tables, Scope(as_of=as_of, **kwargs))
            if scope_name == "all":  # the registry's plain entry point gives the same
                assert compute_kpis(ds.tables, Scope(as_of=as_of, **kwargs)) == got
            bad = _diff({**got, **notes}, want, [*KPI_NAMES, *NOTES])
            compared += 1
            if bad:
                failures.append(f"{ds_name} / {scope_name} / {as_of}: {bad}")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} of {compared} differ)"


def test_the_hand_dataset_reaches_the_edge_cases(datasets):
    """The reference on the hand dataset, worked by hand for the unfiltered scope."""
    want = reference_kpis(datasets["hand"].tables, RefScope(as_of=date(2025, 6, 30)))
    # active: a01 a02 a05 a06 a08 a11 a12 a13, a14 (active as written though signed
    # later), a15, a16; a03 ("expires 2024" = 2024-01-01) and a07 expired, a04 planned as
    # written, a09 signed later, a10 terminated
    assert want["agreements_active"] == 11
    assert want["agreements_expiring"] == 3  # a01 (2025-12-01), a11 ("2025-07"), a12 (12-27)
    # dormant (window from 2022-06-30): a08 adm-uz1 (only a 2016 grant), a12 ast-de1 (g08
    # ended 2022-02-02), a14 sam-kz1 (nothing), a15 adm-jp1 (v12 starts 2022-06-01, its
    # start counts), a16 ast-jp1 (v13 2021-02-28)
    assert want["agreements_dormant"] == 5
    # EUR: g01 10000 x 1.08 (2023); g05 undated 7000 x 1.09 (latest); g09 2012 -> 2019
    # 1234.5 x 1.12; g10 undated start 400 x 1.09; g12 800 "eur" x 1.09 (2024); JPY g03
    # 300000 x 0.0093; USD g02 5000 and g13 1000 (rate 1, whatever fx_rates says); GBP g08
    # 2020 tie between 2018 and 2022 -> 2018 1.33 x 2500; KZT g04 no rate at all
    assert want["grant_funding_usd"] == pytest.approx(
        10000 * 1.08
        + 7000 * 1.09
        + 1234.5 * 1.12
        + 400 * 1.09
        + 800 * 1.09
        + 300000 * 0.0093
        + 5000
        + 1000
        + 2500 * 1.33
    )
    # 29 February: the window starts on 2021-02-28, so v13 (ast-jp1) is activity; dormant
    # are a08 adm-uz1 and a14 sam-kz1 only
    leap = reference_kpis(datasets["hand"].tables, RefScope(as_of=date(2024, 2, 29)))
    assert (leap["agreements_active"], leap["agreements_dormant"]) == (11, 2)
    assert want["grants_without_rate"] == 1
    assert want["international_students"] == 7 and want["student_countries"] == 1  # adm 2025
    assert want["remote_share"] == pytest.approx(3 / 9)  # v02 v05 v09 of 9 incoming


def test_json_report_matches_the_reference(datasets):
    as_of = date(2025, 6, 30)
    for scope_name in ("all", "combo-1", "region-central-asia"):
        kwargs = dict(SCOPES)[scope_name]
        for ds_name in ("hand", "synth-800-7"):
            ds = datasets[ds_name]
            report = build_report(ds, Scope(as_of=as_of, **kwargs))
            want = ref(ds, as_of=as_of, **kwargs)
            assert set(KPI_NAMES) <= set(report["kpis"])
            assert not _diff(report["kpis"], want, KPI_NAMES), (ds_name, scope_name)
            for name in KPI_NAMES:  # counts are JSON integers, the rest floats or null
                if isinstance(want[name], int) and name != "grant_funding_usd":
                    assert type(report["kpis"][name]) is int, (name, report["kpis"][name])
            assert type(report["kpis"]["grant_funding_usd"]) is float  # money: a float
            assert report["lecture_sessions_unknown"] == want["lecture_sessions_unknown"]
            for institution, kpis in report["by_institution"].items():
                alone = dict(kwargs, institutions={institution})
                assert not _diff(kpis, ref(ds, as_of=as_of, **alone), KPI_NAMES), (
                    ds_name,
                    scope_name,
                    institution,
                )


def test_comparisons_match_the_reference(datasets):
    """year_over_year and targets_vs_actual go through narrowed frames: same figures."""
    ds = datasets["synth-800-7"]
    as_of = date(2025, 6, 30)
    kwargs = {"countries": {"KOR", "DEU", "RUS", "TUR"}}
    table = year_over_year(ds.tables, Scope(as_of=as_of, **kwargs), 2024)
    for year, column in ((2024, "current"), (2023, "previous")):
        want = ref(ds, as_of=as_of, year_from=year, year_to=year, **kwargs)
        got = dict(zip(table["metric"], table[column], strict=True))
        assert not _diff(got, want, KPI_NAMES), year
    targets = targets_vs_actual(ds.tables, Scope(as_of=as_of, year_from=2023))
    assert len(targets)
    wanted = {}
    for row in targets.itertuples(index=False):
        key = (row.institution_id, row.year)
        if key not in wanted:
            wanted[key] = ref(
                ds, as_of=as_of, institutions={key[0]}, year_from=key[1], year_to=key[1]
            )
        want = wanted[key]
        assert _same(row.metric, row.actual, want[row.metric]), row


def test_rows_in_error_never_reach_the_tables(datasets):
    """Both implementations read ds.tables: it must hold no row in error."""
    ds = datasets["synth-errors"]
    bad = {(p.table, p.row) for p in ds.problems if p.severity == "error"}
    assert bad
    for table, frame in ds.tables.items():
        if "_row" in frame.columns:
            assert not {(table, int(r)) for r in frame["_row"]} & bad, table


def test_hand_dataset_loads_clean(datasets):
    problems = [p for p in datasets["hand"].problems if p.severity == "error"]
    assert not problems, problems

"""Differential test: metrics/ (KPIs, evidence, year over year, targets vs actual, the
JSON report) against the naive reference of tests/kpi_reference.py, dataset by dataset
(synthetic ones, a hand-made one of edge cases, the curated data/), for a table of
scopes. Counts must match exactly, floats to 1e-9, evidence ids as sorted lists."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from kpi_reference import (
    COUNT_KPIS,
    KPI_NAMES,
    NOTE_NAMES,
    RefScope,
    prepare,
    reference_evidence,
    reference_kpis,
    reference_state,
    reference_targets,
    reference_yoy,
)

from loaders import load_dataset
from loaders.synth import write_synth
from metrics import (
    DatasetCache,
    Scope,
    apply_scope,
    compute_kpis,
    evidence,
    targets_vs_actual,
    year_over_year,
)
from metrics.engine import compute_kpis_with_path
from report.json_report import build_report

REPO = Path(__file__).resolve().parent.parent
SYNTH = {"synth-300-1": (300, 1), "synth-800-7": (800, 7), "synth-2000-42": (2000, 42)}

# The hand-made dataset of edge cases. v2 cases: uz2 a domestic partner (linked to sam and
# nothing else), v14 a domestic visit, v09 a domestic visit without partner, v07 a visit
# to UZB from ast (KAZ) that is foreign; the students rows 8 and 9 domestic (row 9 in
# the latest foreign year 2025); a18 written active but expired, a19 written planned but
# signed, a20 written planned, no signed_on, expired; a04 written planned, no dates; a14
# written active, signed 2027; v15 (2025-09-01) and v16 (2024-11-20) after the cut day
# of a partial 2025 at 30 June; a21 and a22 on the edges of the expiring window at
# 2025-06-30 (181 days after it; on the day itself).
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
uz2,Tashkent Pediatric Institute,university,UZB,Tashkent
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
a17,sam,uz2,mou,,2022-01-01,,
a18,sam,de1,mou,,2019-01-01,2024-12-31,active
a19,adm,kr1,mou,,2023-05-01,,planned
a20,adm,de1,mou,,,2023,planned
a21,adm,tr1,mou,,2024-01-01,2025-12-28,
a22,ast,kz1,mou,,2023-06-30,2025-06-30,active
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
v14,sam,uz2,,incoming,in_person,lectures,,2025-02-10,,3
v15,adm,kr2,,outgoing,in_person,training,,2025-09-01,,
v16,sam,kr1,,incoming,in_person,lectures,,2024-11-20,,2
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
g14,sam,jp1,Unknown sum,,active,2023-03-01,,,
""",
    "students": """institution_id,academic_year,country,level,faculty,count
sam,2023/2024,KOR,master,General Medicine,5
sam,2024/2025,IND,undergraduate,General Medicine,40
sam,2024,PAK,undergraduate,Pediatrics,12
adm,2025/2026,TKM,undergraduate,,7
adm,2022/2023,KAZ,phd,Pediatrics,3
ast,2024/2025,UZB,residency,,9
sam,2026/2027,UZB,exchange,,50
adm,2025/2026,UZB,undergraduate,,20
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
    # a 0 target has no share reached
    "targets": """institution_id,year,metric,target
sam,2024,visits_incoming,4
sam,2024,partners,10
adm,2022,agreements_active,5
ast,2025,grant_funding_usd,0
sam,2025,international_students,10
adm,2025,mobility_countries,3
""",
}


def _synth(root: Path, visits: int, seed: int, with_errors: bool = False) -> Path:
    out = root / f"synth_{visits}_{seed}_{with_errors}"
    write_synth(out, visits=visits, seed=seed, with_errors=with_errors)
    return out


def _write(folder: Path, names) -> Path:
    folder.mkdir()
    for name in names:
        (folder / f"{name}.csv").write_text(HAND[name], encoding="utf-8")
    return folder


def _path(name: str, root: Path) -> Path:
    if name in SYNTH:
        return _synth(root, *SYNTH[name])
    if name == "synth-errors":
        return _synth(root, 400, 5, with_errors=True)
    if name == "hand":
        return _write(root / "hand", HAND)
    if name == "minimal":  # the optional tables absent: counts 0, funding 0.0
        return _write(root / "minimal", ("institutions", "partners", "agreements", "visits"))
    assert name == "curated"
    return REPO / "data"


DATASETS = [*SYNTH, "synth-errors", "hand", "minimal", "curated"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """name -> (dataset, the reference's rows of it), each made once, when first asked."""
    root = tmp_path_factory.mktemp("kpiref")
    cache = {}

    def get(name):
        if name not in cache:
            ds = load_dataset(_path(name, root))
            assert ds.fatal is None, ds.fatal
            cache[name] = (ds, prepare(ds.tables))
        return cache[name]

    return get


# (name, keyword arguments common to Scope and RefScope); institution ids of every dataset
SAM = {"sam", "demo-capital", "samsmu"}
SCOPES = [
    ("all", {}),
    ("inst-sam", {"institutions": SAM}),
    ("inst-two", {"institutions": {"adm", "ast", "admi", "demo-oasis", "demo-zarafshan"}}),
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
    ("combo-1", {"institutions": SAM, "year_from": 2021, "countries": {"KOR", "DEU"}}),
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
    ("country-deu", {"countries": {"DEU"}}),
    ("ptype-foundation", {"partner_types": {"foundation"}}),
]
AS_OFS = [
    date(2025, 6, 30),
    date(2024, 1, 1),
    date(2021, 3, 15),
    date(2026, 2, 1),
    date(2024, 2, 29),
    date(2024, 12, 31),
]
# metrics/ takes a few tenths of a second per call (pandas), so each dataset gets a chosen
# share of the (scope, as_of) matrix: the hand dataset every scope (at a rotating as_of)
# and the unfiltered scope at every as_of; the others the unfiltered scope at a few as_ofs
# and a slice of the filtered scopes, a different slice for each dataset.
SHARE = {
    "hand": (len(AS_OFS), 9),
    "curated": (2, 4),
    "synth-300-1": (2, 4),
    "synth-800-7": (1, 4),
    "synth-2000-42": (1, 4),
    "synth-errors": (1, 2),
    "minimal": (1, 2),
}


def _scopes(ds_name, every=1):
    """(scope name, kwargs, as_of) for this dataset; ``every`` keeps one in so many."""
    n_as_of, n_filtered = SHARE[ds_name]
    offset = 3 * DATASETS.index(ds_name)
    combos = [("all", {}, as_of) for as_of in AS_OFS[:n_as_of]]
    filtered = SCOPES[1:]
    for k in range(n_filtered):
        i = (offset + k) % len(filtered)
        name, kwargs = filtered[i]
        combos.append((name, kwargs, AS_OFS[(i + k) % len(AS_OFS)]))
    return combos[::every]


def _cases(ds_names, every=1):
    """pytest params (dataset, scope name, as_of): one test per comparison."""
    return [
        pytest.param(ds, scope_name, as_of, id=f"{ds}/{scope_name}/{as_of}")
        for ds in ds_names
        for scope_name, _, as_of in _scopes(ds, every)
    ]


def _none(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def _same(name, got, want):
    if want is None:
        return _none(got)
    if _none(got):
        return False
    if isinstance(want, int) and name != "grant_funding_usd":
        return float(got) == want and float(got).is_integer()
    return math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-9)


def _diff(got, want, names):
    """{name: (got, expected)} for every name that differs."""
    return {n: (got.get(n), want[n]) for n in names if not _same(n, got.get(n), want[n])}


def _report(failures, compared):
    assert not failures, "\n".join(failures[:30]) + f"\n({len(failures)} of {compared} differ)"


_CACHES: dict[str, DatasetCache] = {}  # per dataset: its index and row facts, as the app keeps them
PATHS = ("general", "facts", "indexed")


def _cache_of(ds_name: str, tables) -> DatasetCache:
    if ds_name not in _CACHES or not _CACHES[ds_name].matches(tables):
        _CACHES[ds_name] = DatasetCache(tables)
    return _CACHES[ds_name]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("ds_name", "scope_name", "as_of"), _cases(DATASETS))
def test_every_kpi_matches_the_reference(loaded, ds_name, scope_name, as_of, path):
    """compute_kpis and the notes beside it (the counts of unknown inputs), on each of the
    engine's paths (issue 27): the general one (each KpiDef's rows), the row facts over
    scoped frames, and the row facts over the ScopeIndex masks; asserts which one ran."""
    ds, rows = loaded(ds_name)
    kwargs = dict(SCOPES)[scope_name]
    scope = Scope(as_of=as_of, **kwargs)
    want = reference_kpis(ds.tables, RefScope(as_of=as_of, **kwargs), rows)
    if path == "general":
        got, notes, ran = compute_kpis_with_path(ds.tables, scope)
        expected = "general"
    elif path == "facts":
        cache = _cache_of(ds_name, ds.tables)
        got, notes, ran = compute_kpis_with_path(ds.tables, scope, apply_scope(ds.tables, scope, cache), cache)
        expected = "facts"
    else:
        got, notes, ran = compute_kpis_with_path(ds.tables, scope, None, _cache_of(ds_name, ds.tables))
        # the index answers institutions and years; other filters need the scoped frames
        expected = "facts" if (scope.faculties or scope.partner_types or scope.country_set) else "indexed"
    assert ran == expected
    if scope_name == "all" and path == "general":  # the registry's plain entry point gives the same
        assert compute_kpis(ds.tables, scope) == got
    assert "lecture_sessions_unknown" in notes
    names = [*KPI_NAMES, *(n for n in NOTE_NAMES if n in notes)]
    assert _diff({**got, **notes}, want, names) == {}


# every other case of the KPI test: with it, len(ids) == the KPI follows for counts
@pytest.mark.parametrize(("ds_name", "scope_name", "as_of"), _cases(DATASETS, every=2))
def test_evidence_matches_the_reference(loaded, ds_name, scope_name, as_of):
    """metrics.evidence: the same ids, sorted (so, with the KPI test, as many as the count)."""
    ds, rows = loaded(ds_name)
    kwargs = dict(SCOPES)[scope_name]
    want = reference_evidence(ds.tables, RefScope(as_of=as_of, **kwargs), rows)
    got = evidence(ds.tables, Scope(as_of=as_of, **kwargs))
    bad = {}
    for name in KPI_NAMES:
        ids = list(got.get(name, ["<missing>"]))
        if ids != want[name]:
            extra = sorted(set(ids) - set(want[name]))
            missing = sorted(set(want[name]) - set(ids))
            bad[name] = f"extra {extra[:6]} missing {missing[:6]}" if extra or missing else ids
    assert bad == {}


YOY_AS_OFS = (
    date(2025, 6, 30),  # partial 2025 where 2025 is dated
    date(2025, 12, 31),  # a whole year
    date(2024, 2, 29),  # partial, the previous year has no 29 February
    date(2026, 2, 1),
    date(2021, 3, 15),
)
# year_over_year is the slowest call (two scopes on two cut datasets): the hand dataset gets
# a dozen cases, every other dataset the unfiltered scope at two days and one filtered scope
YOY_HAND = [("all", day) for day in YOY_AS_OFS[:3]] + [
    ("inst-sam", date(2026, 2, 1)),
    ("countries-kor-deu", date(2024, 2, 29)),
    ("to-2021", date(2025, 6, 30)),
    ("ptype-university", date(2021, 3, 15)),
    # jp1's funded grants g11 (2024) and g14 (2023) have no amount: funding unknown
    ("ptype-foundation", date(2025, 6, 30)),
]
YOY_OTHER = ("inst-sam", "countries-kor-deu", "from-2023", "faculties", "to-2021", "inst-two")


def _yoy_cases(ds_name):
    if ds_name == "hand":
        return YOY_HAND
    extra = YOY_OTHER[DATASETS.index(ds_name) % len(YOY_OTHER)]
    return [("all", YOY_AS_OFS[0]), (extra, YOY_AS_OFS[1])]


YOY_CASES = [
    pytest.param(ds, scope_name, as_of, id=f"{ds}/{scope_name}/{as_of}")
    for ds in DATASETS
    for scope_name, as_of in _yoy_cases(ds)
]


@pytest.mark.parametrize(("ds_name", "scope_name", "as_of"), YOY_CASES)
def test_year_over_year_matches_the_reference(loaded, ds_name, scope_name, as_of):
    """Per figure (v3): its own years, partial or not, both values and the change."""
    ds, rows = loaded(ds_name)
    kwargs = dict(SCOPES)[scope_name]
    want = reference_yoy(ds.tables, RefScope(as_of=as_of, **kwargs), rows)
    got = year_over_year(ds.tables, Scope(as_of=as_of, **kwargs)).changes
    bad = {}
    for name in KPI_NAMES:
        change, expected = got[name], want[name]
        head = (change.year, change.previous, bool(change.partial))
        if head != (expected["year"], expected["previous"], expected["partial"]):
            bad[f"years {name}"] = (head, expected)
            continue
        if expected["previous"] is None:
            continue
        for field, mine in (("current", change.current), ("before", change.before),
                            ("delta", change.delta if change.compared else None)):
            if not _same(name if field != "delta" else "delta", mine, expected[field]):
                bad[f"{field} {name}"] = (mine, expected[field])
    assert bad == {}


def test_no_change_against_an_unknown_sum(loaded):
    """hand, DEU, as of 2025-12-31: 2025 has v08 (1 session); 2024 has one incoming visit,
    v02, without a count, so 2024's sessions are unknown and no change may be shown."""
    ds, rows = loaded("hand")
    kwargs = {"countries": {"DEU"}, "as_of": date(2025, 12, 31)}
    want = reference_yoy(ds.tables, RefScope(**kwargs), rows)["lecture_sessions"]
    assert (want["current"], want["before"], want["delta"]) == (1, 0, None)
    got = year_over_year(ds.tables, Scope(**kwargs)).changes["lecture_sessions"]
    assert (got.current, got.before, got.compared) == (1, 0, False)


TARGET_CASES = [
    ("combo-1", date(2025, 6, 30)),  # filters that do not narrow a target's actual
    ("from-2023", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("scope_name", "as_of"), TARGET_CASES, ids=[c[0] for c in TARGET_CASES])
# data/ has no targets.csv (its comparison was empty, so it could not fail): two synthetic
# datasets and the hand one instead.
@pytest.mark.parametrize("ds_name", ["synth-800-7", "synth-2000-42", "hand"])
def test_targets_match_the_reference(loaded, ds_name, scope_name, as_of):
    """Institution-wide: the actual of each target is that institution's in that year."""
    ds, rows = loaded(ds_name)
    kwargs = dict(SCOPES)[scope_name]
    want = reference_targets(ds.tables, RefScope(as_of=as_of, **kwargs), rows)
    got = targets_vs_actual(ds.tables, Scope(as_of=as_of, **kwargs))
    want_by = {(r["institution_id"], r["year"], r["metric"]): r for r in want}
    got_by = {
        (r["institution_id"], int(r["year"]), r["metric"]): r for r in got.to_dict("records")
    }
    assert want_by, "no target in this case: the comparison would be empty"
    assert sorted(got_by) == sorted(want_by)
    failures = []
    for key, row in want_by.items():
        if not _same(key[2], got_by[key]["actual"], row["actual"]):
            failures.append(f"{key}: actual {got_by[key]['actual']} != {row}")
        if not _same("share", got_by[key]["share_reached"], row["share"]):
            failures.append(f"{key}: share {got_by[key]['share_reached']} != {row}")
    _report(failures, len(want_by))


REPORT_CASES = {
    "hand": ("all", "combo-1"),
    "synth-800-7": ("all",),
    "curated": ("all", "region-central-asia"),
}


@pytest.mark.parametrize("ds_name", list(REPORT_CASES))
def test_json_report_matches_the_reference(loaded, ds_name):
    """The JSON report: KPIs, notes, evidence and the by-institution figures."""
    ds, rows = loaded(ds_name)
    as_of = date(2025, 6, 30)
    for scope_name in REPORT_CASES[ds_name]:
        kwargs = dict(SCOPES)[scope_name]
        report = build_report(ds, Scope(as_of=as_of, **kwargs))
        ref_scope = RefScope(as_of=as_of, **kwargs)
        want = reference_kpis(ds.tables, ref_scope, rows)
        where = (ds_name, scope_name)
        assert set(KPI_NAMES) <= set(report["kpis"]), where
        assert not _diff(report["kpis"], want, KPI_NAMES), where
        for name in KPI_NAMES:  # counts are JSON integers, the rest floats or null
            if isinstance(want[name], int) and name != "grant_funding_usd":
                assert type(report["kpis"][name]) is int, (where, name, report["kpis"][name])
        assert type(report["kpis"]["grant_funding_usd"]) is float  # money: a float
        for note in ("lecture_sessions_unknown", "grants_amount_unknown"):
            assert report[note] == want[note], (where, note)
        ids = reference_evidence(ds.tables, ref_scope, rows)
        assert {k: list(v) for k, v in report["evidence"].items() if k in ids} == ids, where
        for name in COUNT_KPIS:
            assert len(report["evidence"][name]) == report["kpis"][name], (where, name)
        for institution, kpis in report["by_institution"].items():
            alone = RefScope(**dict(kwargs, institutions={institution}), as_of=as_of)
            expected = reference_kpis(ds.tables, alone, rows)
            # v3: a value only where the figure shows one (null: unknown, cannot tell)
            shown = {name: expected[name] if reference_state(expected, name) in ("known", "at_least") else None
                     for name in KPI_NAMES}
            assert not _diff(kpis, shown, KPI_NAMES), (*where, institution)
            states = {n: f["state"] for n, f in report["by_institution_figures"][institution].items()}
            assert states == {n: reference_state(expected, n) for n in KPI_NAMES}, (*where, institution)


def test_the_hand_dataset_reaches_the_edge_cases(loaded):
    """The reference on the hand dataset, worked by hand for the unfiltered scope."""
    ds, rows = loaded("hand")
    want = reference_kpis(ds.tables, RefScope(as_of=date(2025, 6, 30)), rows)
    ids = reference_evidence(ds.tables, RefScope(as_of=date(2025, 6, 30)), rows)
    # active: a01 a02 a05 a06 a08 a11 a12 a13 a15 a16 a17, a19 (written planned, signed
    # 2023); a03 ("expires 2024" = 2024-01-01), a07, a18 (written active, ended
    # 2024-12-31) and a20 (written planned, ended 2023) expired; a04 planned as written
    # with no signed_on; a09 and a14 (written active) signed later; a10 terminated
    # a21, a22 too (a22 expires on as_of itself: not before it)
    assert ids["agreements_active"] == [
        *("a01", "a02", "a05", "a06", "a08", "a11", "a12", "a13", "a15", "a16", "a17", "a19"),
        *("a21", "a22"),
    ]
    # 12-01, "2025-07", 12-27 (as_of + 180 days); not a21 (12-28, 181 days) nor a22 (as_of)
    assert ids["agreements_expiring"] == ["a01", "a11", "a12"]
    # dormant (window from 2022-06-30): a08 adm-uz1 (only a 2016 grant), a12 ast-de1 (g08
    # ended 2022-02-02), a15 adm-jp1 (v12 starts 2022-06-01, its start counts), a16
    # ast-jp1 (v13 2021-02-28), a19 adm-kr1 (g07 2016-2017 only); a17 sam-uz2 has v14,
    # a21 adm-tr1 g02 (2021, open), a22 ast-kz1 g04 (2022-03-01, open)
    assert ids["agreements_dormant"] == ["a08", "a12", "a15", "a16", "a19"]
    # EUR: g01 10000 x 1.08 (2023); g05 undated 7000 x 1.09 (latest); g09 2012 -> 2019
    # 1234.5 x 1.12; g10 undated start 400 x 1.09; g12 800 "eur" x 1.09 (2024); JPY g03
    # 300000 x 0.0093; USD g02 5000 and g13 1000 (rate 1, whatever fx_rates says); GBP g08
    # 2020 tie between 2018 and 2022 -> 2018 1.33 x 2500; KZT g04 no rate at all; g11 and g14
    # no amount
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
    assert (want["grants_without_rate"], want["grants_amount_unknown"]) == (1, 2)  # g11 g14
    # 29 February: the window starts on 2021-02-28, so v13 (ast-jp1) is activity;
    # dormant: a08 adm-uz1, a19 adm-kr1 (a12's g08 ends 2022-02-02, inside the window;
    # a15's v12 2022-06-01 too); a17 (v14 in 2025 is after as_of, but nothing in the window)
    leap = reference_evidence(ds.tables, RefScope(as_of=date(2024, 2, 29)), rows)
    assert leap["agreements_dormant"] == ["a08", "a17", "a19"]
    # foreign rows only, of academic years started by 30 June 2025 (v3: 2025/2026 starts on
    # 1 September 2025, so row 5, adm TKM 7 of 2025/2026, is not yet the latest): the latest
    # is 2024/2025: row 3 (sam IND 40), row 4 (sam PAK 12, "2024"), row 7 (ast UZB 9: ast is
    # in KAZ); row 9 (adm, UZB, 2025) and row 8 (sam, UZB, 2026) are domestic
    assert ids["international_students"] == ["students:3", "students:4", "students:7"]
    assert want["international_students"] == 40 + 12 + 9
    # v02 v05 v09 remote of 11 incoming (v01 v02 v04 v05 v06 v08 v09 v11 v13 v14 v16)
    assert want["remote_share"] == pytest.approx(3 / 11)
    # UZB counts once through v07 (ast, in KAZ); v09 and v14 (UZB from UZB) are domestic;
    # v06 (KAZ from ast) too
    assert ids["mobility_countries"] == ["DEU", "JPN", "KAZ", "KOR", "TUR", "UZB"]
    sam_adm = RefScope(as_of=date(2025, 6, 30), institutions={"sam", "adm"})
    assert reference_evidence(ds.tables, sam_adm, rows)["mobility_countries"] == [
        *("DEU", "JPN", "KAZ", "KOR", "TUR")
    ]
    # uz2 (Tashkent, linked to sam only) is a partner but not a foreign one; UZB is a
    # partner country through uz1, linked to ast (KAZ) by a07
    sam = reference_evidence(ds.tables, RefScope(institutions={"sam"}), rows)
    assert "uz2" in sam["partners"] and "UZB" not in sam["partner_countries"]
    assert "UZB" in ids["partner_countries"]


def test_the_curated_figures_of_the_issue(loaded):
    """The reference on data/ gives what issue 12 says a rector must see: 11 partner
    countries and 12 mobility countries (Uzbekistan not counted), and no year-over-year
    change (only the students row is dated, one year)."""
    ds, rows = loaded("curated")
    want = reference_kpis(ds.tables, RefScope(as_of=date(2025, 6, 30)), rows)
    assert (want["partner_countries"], want["mobility_countries"]) == (11, 12)
    yoy = reference_yoy(ds.tables, RefScope(as_of=date(2025, 6, 30)), rows)
    # only the students row is dated (2023/2024): one year, nothing to compare
    assert {(r["year"], r["previous"], r["reason"]) for r in yoy.values()} == {
        (None, None, "no_dated_rows"), (2023, None, "one_year_only")}
    assert (yoy["international_students"]["year"], yoy["international_students"]["reason"]) == (2023, "one_year_only")


def test_rows_in_error_never_reach_the_tables(loaded):
    """Both implementations read ds.tables: it must hold no row in error."""
    ds, _ = loaded("synth-errors")
    bad = {(p.table, p.row) for p in ds.problems if p.severity == "error"}
    assert bad
    for table, frame in ds.tables.items():
        if "_row" in frame.columns:
            assert not {(table, int(r)) for r in frame["_row"]} & bad, table


def test_hand_dataset_loads_clean(loaded):
    ds, _ = loaded("hand")
    problems = [p for p in ds.problems if p.severity == "error"]
    assert not problems, problems

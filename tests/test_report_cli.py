"""python -m report on a small CSV dataset written to tmp_path; figures worked by hand."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import report.__main__ as cli

REPO = Path(__file__).resolve().parent.parent

CSV = {
    "institutions": """institution_id,name,short_name,city,country
sam,Samarkand State Medical University,SamSMU,Samarkand,UZB
adm,Andijan State Medical Institute,ADMI,Andijan,UZB
""",
    "partners": """partner_id,name,type,country,city
kr1,Seoul National University,university,KOR,Seoul
de1,Charite,university,DEU,Berlin
tr1,Hacettepe University,research_center,TUR,Ankara
kz1,City Hospital,hospital,KAZ,Almaty
""",
    # as_of 2025-06-30: a1 active and expiring (2025-12-01 <= 2025-12-27); a2 active;
    # a3 expired; a4 planned as written; a5 active and dormant (sam never met tr1)
    "agreements": """agreement_id,institution_id,partner_id,kind,faculty,signed_on,expires_on,status
a1,sam,kr1,mou,Medicine,2020-01-01,2025-12-01,
a2,sam,de1,mou,,2021-05-01,,
a3,adm,tr1,mou,,2019-01-01,2024-01-01,
a4,adm,kz1,mou,,,,planned
a5,sam,tr1,mou,,2018-01-01,,
""",
    # v5 has a bad direction: an error row, never counted
    "visits": """visit_id,institution_id,partner_id,country,direction,mode,activity,start_date,sessions
v1,sam,kr1,,incoming,in_person,lectures,2024-03-01,6
v2,sam,de1,,incoming,remote,lectures,2024-10-01,
v3,adm,,KAZ,outgoing,in_person,training,2023-05-01,
v4,adm,tr1,,incoming,in_person,masterclass,2022-01-10,2
v5,sam,kr1,,sideways,in_person,lectures,2024-03-01,50
""",
    "grants": """grant_id,institution_id,partner_ids,title,status,start_date,end_date,amount,currency
g1,sam,kr1; de1,Joint project,active,2023-01-01,2026-12-31,10000,EUR
g2,adm,tr1,Training,completed,2021,,5000,USD
""",
    "fx_rates": """currency,year,usd_per_unit
EUR,2023,1.1
""",
}

IRN_3 = 3 / math.log(3)  # P = 3 (kr1 de1 tr1), L = 3: 3 / 1.0986 = 2.7307


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    for name, text in CSV.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module", autouse=True)
def load_once():
    """The CLI reads the same small dataset in every in-process test: parse it once per
    path (the loader is tested on its own) and hand each run a deep copy of it."""
    import copy

    import loaders

    real, loaded = loaders.load_dataset, {}

    def load(path, **kwargs):
        key = (str(Path(path).resolve()), tuple(sorted(kwargs.items())))
        if key not in loaded:
            loaded[key] = real(path, **kwargs)
        return copy.deepcopy(loaded[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loaders, "load_dataset", load)
        yield


def run(dataset: Path, out: Path, *flags: str) -> tuple[int, dict | None]:
    code = cli.main([str(dataset), "--out", str(out), "--as-of", "2025-06-30", *flags])
    return code, json.loads(out.read_text(encoding="utf-8")) if out.exists() else None


def test_json_report_whole_dataset(dataset, tmp_path):
    code, report = run(dataset, tmp_path / "r.json")
    assert code == 0
    assert list(report) == [
        "as_of",
        "scope",
        "kpis",
        "lecture_sessions_unknown",
        "grants_amount_unknown",
        "grants_without_rate",
        "agreements_expiry_unknown",
        "figures",  # v3: each figure's state and own change
        "evidence",
        "year_over_year",
        "by_institution",
        "by_institution_figures",
        "agreements_use",
        "rankings",
        "problems",
    ]
    assert report["as_of"] == "2025-06-30"
    assert report["scope"] == {
        "institutions": [],
        "years": None,
        "countries": [],
        "faculties": [],
        "partner_types": [],
    }
    kpis = report["kpis"]
    assert kpis == {
        "partners": 4,  # kr1 de1 tr1 kz1
        "partner_countries": 4,
        "agreements_active": 3,  # a1 a2 a5
        "agreements_expiring": 1,  # a1
        "agreements_dormant": 1,  # a5
        "visits_incoming": 3,  # v1 v2 v4 (v5 is in error)
        "visits_outgoing": 1,  # v3
        "remote_share": 1 / 3,  # v2
        "lecture_sessions": 8,  # 6 + 0 + 2
        "mobility_countries": 4,  # KOR DEU KAZ TUR
        "grants_active": 1,  # g1
        "grant_funding_usd": 16000.0,  # 10000 EUR x 1.1 + 5000 USD
        "international_students": 0,
        "student_countries": 0,
        "irn_index": pytest.approx(IRN_3),
    }
    assert isinstance(kpis["partners"], int) and isinstance(kpis["grant_funding_usd"], float)
    assert report["lecture_sessions_unknown"] == 1  # v2
    assert report["evidence"]["agreements_active"] == ["a1", "a2", "a5"]
    assert report["evidence"]["visits_incoming"] == ["v1", "v2", "v4"]
    assert report["evidence"]["partner_countries"] == ["DEU", "KAZ", "KOR", "TUR"]
    assert report["problems"]["errors"] == 1  # v5
    assert isinstance(report["problems"]["warnings"], int)


def test_json_report_by_institution(dataset, tmp_path):
    _, report = run(dataset, tmp_path / "r.json")
    assert list(report["by_institution"]) == ["adm", "sam"]
    sam, adm = report["by_institution"]["sam"], report["by_institution"]["adm"]
    # sam: kr1 de1 tr1; a1 a2 a5 active, a1 expiring, a5 dormant; v1 v2; g1 11000
    assert sam["partners"] == 3 and sam["agreements_dormant"] == 1
    assert (sam["visits_incoming"], sam["remote_share"], sam["lecture_sessions"]) == (2, 0.5, 6)
    assert sam["grant_funding_usd"] == pytest.approx(11000.0)
    assert sam["irn_index"] == pytest.approx(IRN_3)
    # adm: tr1 kz1; nothing active; v4 incoming in person, v3 outgoing; g2 5000 USD; P = 1
    assert (adm["partners"], adm["agreements_active"], adm["remote_share"]) == (2, 0, 0.0)
    assert (adm["grant_funding_usd"], adm["irn_index"]) == (5000.0, None)


@pytest.mark.parametrize(
    ("flags", "scope", "expected"),
    [
        # Korea only: a1, v1, g1 (adds kr1 only): one partner, IRN undefined
        (
            ["--country", "KOR"],
            {"countries": ["KOR"]},
            {
                "partners": 1,
                "agreements_active": 1,
                "visits_incoming": 1,
                "grant_funding_usd": 11000.0,
                "irn_index": None,
            },
        ),
        # by name, and a region: Central Asia adds KAZ (v3, a4); union with Korea
        (
            ["--country", "South Korea", "--region", "central asia"],
            {"countries": ["KAZ", "KGZ", "KOR", "TJK", "TKM", "UZB"]},
            {"partners": 2, "visits_outgoing": 1, "mobility_countries": 2},
        ),
        # an institution by its short name
        (
            ["--institution", "SamSMU"],
            {"institutions": ["sam"]},
            {"partners": 3, "visits_outgoing": 0},
        ),
        # from 2024 (to open): v1 v2; years [2024, null]
        (
            ["--from", "2024"],
            {"years": [2024, None]},
            {"visits_incoming": 2, "lecture_sessions": 6, "mobility_countries": 2},
        ),
        (
            ["--from", "2022", "--to", "2022"],
            {"years": [2022, 2022]},
            {"visits_incoming": 1, "remote_share": 0.0},
        ),
        (
            ["--partner-type", "research center"],
            {"partner_types": ["research_center"]},
            {"partners": 1, "visits_incoming": 1, "agreements_active": 1, "agreements_dormant": 1},
        ),
        (
            ["--faculty", "medicine"],
            {"faculties": ["Medicine"]},
            {"agreements_active": 1, "visits_incoming": 0},
        ),
    ],
)
def test_json_report_flags(dataset, tmp_path, flags, scope, expected):
    code, report = run(dataset, tmp_path / "r.json", *flags)
    assert code == 0
    for key, value in scope.items():
        assert report["scope"][key] == value
    for key, value in expected.items():
        assert report["kpis"][key] == value, key


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--institution", "nowhere"], "unknown institution 'nowhere'"),
        (["--country", "Narnia"], "unknown country 'Narnia'"),
        (["--region", "Atlantis"], "unknown region 'Atlantis'"),
        (["--partner-type", "alien"], "unknown partner type 'alien'"),
        (["--from", "2025", "--to", "2020"], "--from 2025 is after --to 2020"),
        (["--as-of", "2025-02-30"], "not a date"),
        (["--as-of", "30.06.2025"], "not a date"),
        # issue 26 item 13: dates the figures cannot be computed at end in a message
        (["--as-of", "0001-01-01"], "outside the dates the figures support (1900-01-01 to 2200-12-31)"),
        (["--as-of", "9999-12-31"], "outside the dates the figures support"),
        (["--as-of", "1000-01-01"], "outside the dates the figures support"),
        (["--from", "twenty"], "not a year"),
        (["--lang", "fr"], "invalid choice"),
    ],
)
def test_bad_flags(dataset, tmp_path, capsys, flags, message):
    out = tmp_path / "r.json"
    assert cli.main([str(dataset), "--out", str(out), *flags]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_missing_out_flag(dataset, capsys):
    assert cli.main([str(dataset)]) == 1
    assert "--out" in capsys.readouterr().err


def test_fatal_dataset(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main([str(empty), "--out", str(tmp_path / "r.json")]) == 1
    assert cli.main([str(tmp_path / "missing"), "--out", str(tmp_path / "r.json")]) == 1
    err = capsys.readouterr().err
    assert err.count("report: error:") == 2 and "Traceback" not in err


def test_unknown_suffix(dataset, tmp_path, capsys):
    assert cli.main([str(dataset), "--out", str(tmp_path / "r.docx")]) == 1
    assert ".json" in capsys.readouterr().err


def test_export_not_available(dataset, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_writer", lambda kind: None)
    assert cli.main([str(dataset), "--out", str(tmp_path / "r.pptx")]) == 1
    assert "not available yet" in capsys.readouterr().err


def test_export_dispatch(dataset, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "_writer", lambda kind: lambda *args: calls.append((kind, args)))
    out = tmp_path / "r.xlsx"
    code = cli.main(
        [
            str(dataset),
            "--out",
            str(out),
            "--as-of",
            "2025-06-30",
            "--lang",
            "ru",
            "--public",
            "--institution",
            "adm",
        ]
    )
    assert code == 0
    ((kind, (path, pack)),) = calls  # the writers take the pack's content model
    assert (kind, path, pack.lang, pack.public) == ("xlsx", out, "ru", True)
    assert pack.institution_short == ["ADMI"]
    # ADMI's agreements: the annex's registry has both; a3 expired, a4 planned: no active one
    assert sorted(row[0] for row in pack.data_tables["agreements"].rows) == ["a3", "a4"]
    assert pack.agreements.table.rows == []


def test_subprocess_exit_codes(dataset, tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "report", str(dataset), "--out", str(tmp_path / "r.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "report",
            str(dataset),
            "--out",
            str(tmp_path / "b.json"),
            "--country",
            "Narnia",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert (
        bad.stderr.strip()
        == "report: error: unknown country 'Narnia' (use an ISO code or a country name)"
    )


CURATED = REPO / "data"


def test_public_json_holds_no_id_made_from_a_name(tmp_path):
    """Issue 26 item 11: the public JSON carries neutral ids (visits:<row>), never
    v-samsmu-togizbaev; the same visit has the same neutral id in every list."""
    out = tmp_path / "r.json"
    assert cli.main([str(CURATED), "--out", str(out), "--as-of", "2025-06-30", "--public"]) == 0
    text = out.read_text(encoding="utf-8").casefold()
    for name in ("togizbaev", "narzullaeva", "kasimova", "hafezi"):
        assert name not in text, name
    evidence = json.loads(out.read_text(encoding="utf-8"))["evidence"]
    # data/visits.csv: v-samsmu-togizbaev is the file's row 2, v-samsmu-narzullaeva-kasimova row 3
    assert "visits:2" in evidence["visits_incoming"] and "visits:3" in evidence["visits_incoming"]
    assert "visits:2" in evidence["lecture_sessions"]
    assert not any(i.startswith("v-") for ids in evidence.values() for i in ids)


def test_normal_json_keeps_the_ids(tmp_path):
    out = tmp_path / "r.json"
    assert cli.main([str(CURATED), "--out", str(out), "--as-of", "2025-06-30"]) == 0
    assert "v-samsmu-togizbaev" in json.loads(out.read_text(encoding="utf-8"))["evidence"]["visits_incoming"]

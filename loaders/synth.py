"""``python -m loaders synth``: a synthetic, contract-valid dataset of any size.

Every institution, partner and person is plainly fictional ("Demo ... (fictional)");
cities and countries are real so the map and the gazetteer are exercised. Sizes of the
other tables grow with the number of visits. Columns are drawn with numpy at once, and
text cells are picked from small lookup arrays by index, so a million visits take seconds.
With ``with_errors`` a handful of deliberately bad rows (one of each kind) are planted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# (ISO alpha-3, weight, cities known to the gazetteer)
PARTNER_COUNTRIES = [
    ("RUS", 16, ["Moscow", "Saint Petersburg", "Kazan", "Novosibirsk", "Samara"]),
    ("KOR", 9, ["Seoul", "Busan", "Daegu", "Incheon"]),
    ("TUR", 8, ["Istanbul", "Ankara", "Izmir", "Bursa"]),
    ("KAZ", 8, ["Almaty", "Astana", "Shymkent", "Karaganda"]),
    ("DEU", 6, ["Berlin", "Munich", "Hamburg", "Heidelberg"]),
    ("IND", 6, ["New Delhi", "Mumbai", "Chennai", "Bengaluru"]),
    ("CHN", 5, ["Beijing", "Shanghai", "Urumqi", "Wuhan"]),
    ("BLR", 4, ["Minsk", "Vitebsk", "Grodno"]),
    ("KGZ", 4, ["Bishkek", "Osh"]),
    ("TJK", 4, ["Dushanbe", "Khujand"]),
    ("JPN", 3, ["Tokyo", "Osaka", "Kyoto"]),
    ("USA", 3, ["Boston", "New York City", "Houston"]),
    ("GBR", 3, ["London", "Manchester", "Edinburgh"]),
    ("ITA", 3, ["Rome", "Milan", "Bologna"]),
    ("FRA", 2, ["Paris", "Lyon"]),
    ("POL", 2, ["Warsaw", "Krakow"]),
    ("LVA", 2, ["Riga"]),
    ("EGY", 2, ["Cairo"]),
    ("PAK", 2, ["Lahore", "Karachi"]),
    ("ISR", 1, ["Tel Aviv"]),
    ("UZB", 3, ["Tashkent", "Bukhara", "Namangan"]),
]
INSTITUTIONS = [
    ("demo-zarafshan", "Zarafshan Demo Medical University (fictional)", "ZDMU", "Samarkand", 4),
    ("demo-fergana-valley", "Fergana Valley Demo Medical Institute (fictional)", "FVDMI",
     "Andijan", 3),
    ("demo-capital", "Capital Demo Medical Academy (fictional)", "CDMA", "Tashkent", 3),
    ("demo-oasis", "Oasis Demo Medical Institute (fictional)", "ODMI", "Bukhara", 2),
    ("demo-silk-road", "Silk Road Demo Medical College (fictional)", "SRDMC", "Fergana", 1),
]
# Cities of the further institutions (``institutions`` > 5), all in the gazetteer.
EXTRA_CITIES = ["Namangan", "Nukus", "Urgench", "Karshi", "Termez", "Jizzakh", "Navoiy",
                "Gulistan", "Kokand", "Margilan", "Chirchiq", "Angren", "Shahrisabz", "Khiva",
                "Almalyk", "Denov"]
PARTNER_TYPES = [("university", 55), ("research_center", 12), ("hospital", 15),
                 ("foundation", 4), ("company", 5), ("government", 3), ("association", 4),
                 ("other", 2)]
TYPE_WORDS = {"university": "Demo Medical University", "research_center": "Demo Research Centre",
              "hospital": "Demo Clinical Hospital", "foundation": "Demo Health Foundation",
              "company": "Demo Pharma Company", "government": "Demo Health Ministry Office",
              "association": "Demo Medical Association", "other": "Demo Health Organisation"}
FACULTIES = [("General Medicine", 30), ("Pediatrics", 15), ("Dentistry", 10),
             ("Pharmacy", 8), ("Medical Prevention", 6), ("Nursing", 5),
             ("Postgraduate Education", 12), ("International Faculty", 14)]
DEPARTMENTS = ["Surgery", "Internal Medicine", "Cardiology", "Oncology", "Neurology",
               "Obstetrics and Gynaecology", "Anatomy", "Microbiology", "Public Health", ""]
ACTIVITIES = [("lectures", 35), ("practical_classes", 12), ("masterclass", 12),
              ("surgery", 8), ("training", 10), ("research", 6), ("conference", 9),
              ("delegation", 5), ("other", 3)]
TITLES = ["Professor", "Associate Professor", "Doctor of Medical Sciences", "Surgeon",
          "Senior Lecturer", "PhD", ""]
KINDS = [("mou", 40), ("cooperation_agreement", 25), ("double_degree", 6),
         ("joint_program", 8), ("grant_project", 6), ("academic_mobility", 12), ("other", 3)]
GRANT_STATUSES = [("applied", 15), ("awarded", 15), ("active", 30), ("completed", 30),
                  ("rejected", 10)]
CURRENCIES = {"USD": 1.0, "EUR": 1.08, "KRW": 0.00075, "RUB": 0.012, "UZS": 0.00008,
              "JPY": 0.0068, "GBP": 1.26}
STUDENT_COUNTRIES = [("IND", 40), ("PAK", 15), ("TKM", 10), ("TJK", 8), ("KAZ", 6),
                     ("AFG", 5), ("KGZ", 5), ("EGY", 3), ("NPL", 4), ("BGD", 4)]
LEVELS = [("undergraduate", 60), ("residency", 15), ("master", 10), ("phd", 5),
          ("exchange", 8), ("other", 2)]
METRICS = ["partners", "visits_incoming", "visits_outgoing", "agreements_active",
           "grant_funding_usd", "international_students"]
TARGET_SCALE = {"grant_funding_usd": 5000}  # its targets in dollars: $150,000 to $195,000
FIRST_DAY = np.datetime64("2015-01-01")
LAST_DAY = np.datetime64("2025-12-31")


def _weighted(rng: np.random.Generator, pairs, n: int) -> np.ndarray:
    """``n`` indexes into ``pairs`` drawn by their weights (the second item)."""
    weights = np.array([p[1] for p in pairs], dtype=float)
    return rng.choice(len(pairs), size=n, p=weights / weights.sum())


def _pick(options, idx: np.ndarray) -> np.ndarray:
    return np.asarray(options, dtype=object)[idx]


def _date_texts(rng: np.random.Generator, days: np.ndarray, undated: float) -> tuple:
    """Date cells in the contract's forms: mostly ISO, some DD.MM.YYYY, month, year, empty."""
    span = int((LAST_DAY - FIRST_DAY).astype(int)) + 1
    all_days = pd.date_range(str(FIRST_DAY), periods=span, freq="D")
    forms = {"iso": np.asarray(all_days.strftime("%Y-%m-%d"), dtype=object),
             "dots": np.asarray(all_days.strftime("%d.%m.%Y"), dtype=object),
             "month": np.asarray(all_days.strftime("%Y-%m"), dtype=object),
             "year": np.asarray(all_days.strftime("%Y"), dtype=object)}
    choice = rng.choice(5, size=len(days), p=[0.8 - undated, 0.1, 0.06, 0.04, undated])
    out = np.empty(len(days), dtype=object)
    for i, name in enumerate(["iso", "dots", "month", "year"]):
        sel = choice == i
        out[sel] = forms[name][days[sel]]
    out[choice == 4] = ""
    return out, choice


def _amount_texts(rng: np.random.Generator, amounts: np.ndarray) -> np.ndarray:
    """Amounts written the ways people do: 80000, 80 000, 80,000, 1 200,50."""
    whole = np.round(amounts).astype(np.int64)
    style = rng.integers(0, 4, size=len(amounts))
    out = np.empty(len(amounts), dtype=object)
    for i, (value, s) in enumerate(zip(whole, style, strict=True)):
        if s == 0:
            out[i] = str(value)
        elif s == 1:
            out[i] = f"{value:,}".replace(",", "\u00a0")
        elif s == 2:
            out[i] = f"{value:,}"
        else:
            out[i] = f"{value:,}".replace(",", " ") + ",50"
    return out


def _facts(rng: np.random.Generator, homes: list[str]) -> pd.DataFrame:
    """Each institution's totals (students, academic staff, doctorates) per academic year,
    2018/2019 to 2025/2026, growing a little each year (fictional)."""
    rows = []
    for home in homes:
        students = int(rng.integers(3000, 12000))
        staff_share = float(rng.uniform(0.08, 0.12))
        for year in range(2018, 2026):
            students = int(students * rng.uniform(1.0, 1.06))
            staff = int(students * staff_share)
            doctorates = int(rng.integers(10, 60))
            label = f"{year}/{year + 1}"
            rows += [(home, label, "students_total", str(students)),
                     (home, label, "staff_academic_total", str(staff)),
                     (home, label, "staff_academic_international", str(int(staff * rng.uniform(0.005, 0.05)))),
                     (home, label, "doctorates_awarded", str(doctorates)),
                     (home, label, "doctorates_awarded_international", str(int(rng.integers(0, doctorates // 5 + 1))))]
    frame = pd.DataFrame(rows, columns=["institution_id", "academic_year", "metric", "value"])
    frame["source"] = "synthetic"
    return frame


def _terms(rng: np.random.Generator, agreements: pd.DataFrame) -> pd.DataFrame:
    """Staff teaching terms both ways for about a fifth of the agreements (fictional)."""
    chosen = agreements[rng.random(len(agreements)) < 0.2]
    rows = []
    for agreement_id in chosen["agreement_id"]:
        first = int(rng.integers(2019, 2025))
        for direction in ("incoming", "outgoing"):
            per_year = "" if rng.random() < 0.1 else str(int(rng.integers(1, 6)))
            rows.append((agreement_id, "staff_teaching", direction, f"{first}/{first + 1}", "", per_year,
                         "", str(int(rng.integers(5, 15))), "0912", "", "en:B2", "synthetic"))
    return pd.DataFrame(rows, columns=["agreement_id", "mobility_type", "direction", "first_year", "last_year",
                                       "mobilities_per_year", "months_per_year", "days_per_year", "isced", "eqf",
                                       "languages", "source"])


def institution_rows(n: int = len(INSTITUTIONS)) -> list[tuple[str, str, str, str, int]]:
    """(id, name, short name, city, weight) of ``n`` fictional home institutions: the five
    above, then "Demo Medical Institute No. 6 (fictional)"... in further Uzbek cities."""
    rows = list(INSTITUTIONS[:max(n, 1)])
    for k in range(len(INSTITUTIONS) + 1, n + 1):
        city = EXTRA_CITIES[(k - len(INSTITUTIONS) - 1) % len(EXTRA_CITIES)]
        rows.append((f"demo-institute-{k:02d}", f"Demo Medical Institute No. {k} (fictional)",
                     f"DMI{k}", city, 1))
    return rows


def build_synth(visits: int, seed: int = 1, with_errors: bool = False,
                institutions: int = len(INSTITUTIONS)) -> dict[str, pd.DataFrame]:
    """The tables of a synthetic dataset as text frames (one per CSV file), with
    ``institutions`` home institutions (the first five always the same)."""
    rng = np.random.default_rng(seed)
    n_visits = max(int(visits), 0)
    homes = institution_rows(institutions)
    # The country and Tashkent's position written in the five ways the loader must read.
    countries = ["UZB", "Uzbekistan", "UZ", "Oʻzbekiston", "Узбекистан"]
    positions = {"demo-capital": ("41.2995", "69.2401")}
    inst = pd.DataFrame({
        "institution_id": [i[0] for i in homes],
        "name": [i[1] for i in homes],
        "short_name": [i[2] for i in homes],
        "city": [i[3] for i in homes],
        "country": [countries[k] if k < len(countries) else "UZB" for k in range(len(homes))],
        "lat": [positions.get(i[0], ("", ""))[0] for i in homes],
        "lon": [positions.get(i[0], ("", ""))[1] for i in homes],
    })
    inst_weights = [(i[0], i[4]) for i in homes]

    n_partners = int(np.clip(n_visits // 40, 30, 5000))
    country_idx = _weighted(rng, PARTNER_COUNTRIES, n_partners)
    type_idx = _weighted(rng, PARTNER_TYPES, n_partners)
    cities = np.array([PARTNER_COUNTRIES[c][2][rng.integers(len(PARTNER_COUNTRIES[c][2]))]
                       for c in country_idx], dtype=object)
    types = _pick([t[0] for t in PARTNER_TYPES], type_idx)
    names = [f"{TYPE_WORDS[t]} of {c} No. {i + 1} (fictional)"
             for i, (t, c) in enumerate(zip(types, cities, strict=True))]
    no_city = rng.random(n_partners) < 0.05
    partner_ids = np.array([f"p{i + 1:05d}" for i in range(n_partners)], dtype=object)
    partners = pd.DataFrame({
        "partner_id": partner_ids, "name": names, "type": types,
        "country": _pick([c[0] for c in PARTNER_COUNTRIES], country_idx),
        "city": np.where(no_city, "", cities),
        "lat": "", "lon": "",
        "website": [f"https://partner{i + 1}.example.org" for i in range(n_partners)],
        "source": "synthetic",
    })

    n_agreements = int(np.clip(n_visits // 25, 40, 20000))
    signed_days = rng.integers(0, 3650, size=n_agreements)
    signed, signed_form = _date_texts(rng, signed_days, undated=0.05)
    years = rng.choice([3, 5, 0], size=n_agreements, p=[0.45, 0.4, 0.15])
    expires_days = np.minimum(signed_days + years * 365, 4017)
    # v3: an agreement without end is written "open-ended"; a fuzzy signing date leaves the
    # end unknown (empty)
    expires = np.where((years > 0) & (signed_form == 0),
                       _pick(pd.date_range(str(FIRST_DAY), periods=4018).strftime("%Y-%m-%d"),
                             expires_days), np.where(years == 0, "open-ended", ""))
    agreements = pd.DataFrame({
        "agreement_id": [f"a{i + 1:05d}" for i in range(n_agreements)],
        "institution_id": _pick([i[0] for i in inst_weights],
                                _weighted(rng, inst_weights, n_agreements)),
        "partner_id": partner_ids[rng.integers(0, n_partners, size=n_agreements)],
        "kind": _pick([k[0] for k in KINDS], _weighted(rng, KINDS, n_agreements)),
        "title": [f"Demo cooperation agreement {i + 1}" for i in range(n_agreements)],
        "faculty": _pick([f[0] for f in FACULTIES], _weighted(rng, FACULTIES, n_agreements)),
        "department": _pick(DEPARTMENTS, rng.integers(0, len(DEPARTMENTS), n_agreements)),
        "signed_on": signed, "expires_on": expires,
        "status": rng.choice(["", "", "", "", "terminated", "Active"], size=n_agreements),
        "areas": rng.choice(["cardiac surgery; oncology", "pediatrics", "", "public health",
                             "dentistry; medical education"], size=n_agreements),
        "source": "synthetic",
    })

    visit_partner = rng.integers(0, n_partners, size=n_visits)
    has_partner = rng.random(n_visits) >= 0.1
    own_country = _pick([c[0] for c in PARTNER_COUNTRIES],
                        _weighted(rng, PARTNER_COUNTRIES, n_visits))
    start_days = rng.integers(0, 3640, size=n_visits)
    start, start_form = _date_texts(rng, start_days, undated=0.05)
    length = rng.integers(0, 15, size=n_visits)
    iso_days = pd.date_range(str(FIRST_DAY), periods=4018).strftime("%Y-%m-%d")
    end = np.where((start_form == 0) & (rng.random(n_visits) < 0.7),
                   _pick(iso_days, start_days + length), "")
    direction = np.where(rng.random(n_visits) < 0.7, "incoming", "outgoing")
    # remote teaching took off in 2020 (day 1826 from 2015-01-01)
    remote = (direction == "incoming") & (start_days > 1826) & (rng.random(n_visits) < 0.3)
    activity_idx = _weighted(rng, ACTIVITIES, n_visits)
    activity = _pick([a[0] for a in ACTIVITIES], activity_idx)
    sessions = rng.integers(1, 21, size=n_visits).astype(str).astype(object)
    sessions[rng.random(n_visits) < 0.15] = ""
    participants = rng.integers(5, 200, size=n_visits).astype(str).astype(object)
    participants[rng.random(n_visits) < 0.3] = ""
    fac1 = _weighted(rng, FACULTIES, n_visits)
    fac2 = _weighted(rng, FACULTIES, n_visits)
    faculty_names = [f[0] for f in FACULTIES]
    pairs = np.array([[a if a == b else f"{a}; {b}" for b in faculty_names]
                      for a in faculty_names], dtype=object)
    faculty = np.where(rng.random(n_visits) < 0.8, _pick(faculty_names, fac1),
                       pairs[fac1, fac2])
    person_ids = rng.integers(1, max(n_visits // 3, 10), size=n_visits)
    visits_df = pd.DataFrame({
        "visit_id": [f"v{i + 1:07d}" for i in range(n_visits)],
        "institution_id": _pick([i[0] for i in inst_weights],
                                _weighted(rng, inst_weights, n_visits)),
        "partner_id": np.where(has_partner, partner_ids[visit_partner], ""),
        "country": np.where(has_partner, "", own_country),
        "person": [f"Demo Person {p} (fictional)" for p in person_ids],
        "person_title": _pick(TITLES, rng.integers(0, len(TITLES), n_visits)),
        "direction": direction,
        "mode": np.where(remote, "remote", np.where(rng.random(n_visits) < 0.5, "in person", "")),
        "activity": activity,
        "faculty": faculty,
        "department": _pick(DEPARTMENTS, rng.integers(0, len(DEPARTMENTS), n_visits)),
        "start_date": start, "end_date": end,
        "sessions": sessions, "participants": participants,
        "audience": "", "source": "synthetic",
    })

    n_grants = int(np.clip(n_visits // 200, 10, 5000))
    grant_start = rng.integers(0, 3285, size=n_grants)
    g_start, g_form = _date_texts(rng, grant_start, undated=0.05)
    g_end = np.where(g_form == 0, _pick(iso_days, grant_start + 730), "")
    currency = rng.choice(list(CURRENCIES), size=n_grants)
    usd = rng.lognormal(10.5, 1.0, size=n_grants)
    amount = usd / np.array([CURRENCIES[c] for c in currency])
    amount_text = _amount_texts(rng, amount)
    no_amount = rng.random(n_grants) < 0.1
    grants = pd.DataFrame({
        "grant_id": [f"g{i + 1:05d}" for i in range(n_grants)],
        "institution_id": _pick([i[0] for i in inst_weights],
                                _weighted(rng, inst_weights, n_grants)),
        "partner_ids": ["; ".join(partner_ids[rng.integers(0, n_partners,
                                                           size=rng.integers(1, 4))])
                        for _ in range(n_grants)],
        "title": [f"Demo joint project {i + 1} (fictional)" for i in range(n_grants)],
        "funder": rng.choice(["Demo Science Fund", "Demo Erasmus-like Programme",
                              "Demo Health Agency", ""], size=n_grants),
        "program": "", "faculty": _pick(faculty_names, _weighted(rng, FACULTIES, n_grants)),
        "department": "", "theme": rng.choice(["oncology", "infectious diseases",
                                              "medical education", ""], size=n_grants),
        "status": _pick([s[0] for s in GRANT_STATUSES], _weighted(rng, GRANT_STATUSES,
                                                                  n_grants)),
        "start_date": g_start, "end_date": g_end,
        "amount": np.where(no_amount, "", amount_text),
        "currency": np.where(no_amount, "", currency),
        "source": "synthetic",
    })

    n_students = int(np.clip(n_visits // 100, 20, 20000))
    s_year = rng.integers(2018, 2026, size=n_students)
    s_form = rng.random(n_students) < 0.8
    students = pd.DataFrame({
        "institution_id": _pick([i[0] for i in inst_weights],
                                _weighted(rng, inst_weights, n_students)),
        "academic_year": [f"{y}/{y + 1}" if f else str(y)
                          for y, f in zip(s_year, s_form, strict=True)],
        "country": _pick([c[0] for c in STUDENT_COUNTRIES],
                         _weighted(rng, STUDENT_COUNTRIES, n_students)),
        "level": _pick([lv[0] for lv in LEVELS], _weighted(rng, LEVELS, n_students)),
        "faculty": _pick(faculty_names, _weighted(rng, FACULTIES, n_students)),
        "program": "", "count": rng.integers(1, 120, size=n_students).astype(str),
        "source": "synthetic",
    })
    # Two draws can give the same row: the loader counts a repeated row once, with a
    # warning (a contract-valid dataset has none).
    students = students.drop_duplicates(ignore_index=True)

    fx_rows = [(c, y, f"{rate * (1 + 0.03 * (y - 2020)):.10f}".rstrip("0"))
               for c, rate in CURRENCIES.items() if c != "USD" for y in range(2014, 2027)]
    fx_rates = pd.DataFrame(fx_rows, columns=["currency", "year", "usd_per_unit"])
    # A target in the figure's own unit: counts in tens, funding in US dollars.
    targets = pd.DataFrame(
        [(i[0], y, m, str(int(10 + 5 * k + (y - 2023) * 3) * TARGET_SCALE.get(m, 1)))
         for i in homes for y in range(2023, 2027) for k, m in enumerate(METRICS)],
        columns=["institution_id", "year", "metric", "target"])

    # Drawn from their own generator, so the tables above stay what they were for a seed.
    extra = np.random.default_rng(seed + 7919)
    facts = _facts(extra, [h[0] for h in homes])
    terms = _terms(extra, agreements)
    tables = {"institutions": inst, "partners": partners, "agreements": agreements,
              "visits": visits_df, "grants": grants, "students": students,
              "fx_rates": fx_rates, "targets": targets, "institution_facts": facts,
              "agreement_terms": terms}
    if with_errors:
        _plant_errors(tables)
    return tables


def _plant_errors(tables: dict[str, pd.DataFrame]) -> None:
    """One row of each kind of error (and two warnings), at fixed places."""
    v = tables["visits"]
    bad = {"partner_id": "p-does-not-exist", "direction": "sideways", "start_date": "31.02.2024",
           "sessions": "-3", "participants": "many"}
    for i, (col, value) in enumerate(bad.items()):
        if i < len(v):
            v.loc[i, col] = value
    if len(v) > 6:
        v.loc[5, ["start_date", "end_date"]] = ["2024-05-10", "2024-05-01"]
        v.loc[6, "visit_id"] = v.loc[0, "visit_id"]  # duplicate key
    p = tables["partners"]
    extra = pd.DataFrame([p.iloc[0]] * 4).reset_index(drop=True)
    extra["partner_id"] = ["p-bad-country", "p-no-name", "p-same-name", "p-unknown-city"]
    extra.loc[0, "country"] = "Atlantis"
    extra.loc[1, "name"] = ""
    extra.loc[2, "name"] = "  " + p.loc[0, "name"].upper()  # warning: likely the same partner
    extra.loc[3, ["name", "city"]] = ["Demo Lost Clinic (fictional)", "Nowhereville"]
    tables["partners"] = pd.concat([p, extra], ignore_index=True)
    a = tables["agreements"]
    a.loc[0, "kind"] = "handshake"
    g = tables["grants"]
    g.loc[0, ["amount", "currency"]] = ["5000", ""]
    s = tables["students"]
    s.loc[0, "academic_year"] = "2023/2025"


def write_synth(out_dir: str | Path, visits: int, seed: int = 1,
                with_errors: bool = False, institutions: int = len(INSTITUTIONS)) -> dict[str, int]:
    """Write the synthetic dataset as CSVs into ``out_dir``; the row count of each table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_synth(visits, seed, with_errors, institutions)
    for name, frame in tables.items():
        _write_csv(frame, out / f"{name}.csv")
    return {name: len(frame) for name, frame in tables.items()}


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.astype(str)
    if len(frame) > 50_000:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        table = pa.Table.from_pandas(frame, preserve_index=False)
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    else:
        frame.to_csv(path, index=False, encoding="utf-8")

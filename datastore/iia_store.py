"""An IIA file into the store, and an agreement out of it (docs/agreements.md).

``plan_import`` compares each agreement of a file with the current version: the partner
found by ``hei_id``, else by its website's domain, else left for the editor to map or
create; the agreement found by its IIA id (a newer copy of the same IIA updates it, never
duplicates it). ``apply_import`` saves the plans as one version through ``Store.publish``,
with the same checks and rights as every save. ``export_agreement`` writes one agreement
of the data the app shows as an IIA v7 file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from datastore.iia import (
    SPEC_TYPES,
    Iia,
    IiaError,
    Side,
    note_facts,
    note_value,
    notes_of,
    read_iias,
    term_cells,
    term_from_row,
    write_iia,
)
from loaders.schema import TABLES


@dataclass
class ImportPlan:
    """What saving one ``<iia>`` would change."""

    iia: Iia
    our_hei: str
    partner_hei: str
    partner_id: str | None  # None: not found, to map (``partner_map``) or create
    new_partner: dict[str, str] | None
    agreement_id: str
    existing: bool
    agreement: dict[str, str]
    terms: list[dict[str, str]]
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    terms_before: int = 0
    partner_hei_to_set: bool = False  # the partner row has no hei_id yet: the import sets it

    @property
    def unchanged(self) -> bool:
        return self.existing and not self.changes

    def summary(self) -> str:
        """One line for a person: which agreement, new or what changes."""
        if not self.existing:
            return f"{self.agreement_id}: new agreement with {self.partner_id or self.partner_hei}, {len(self.terms)} terms"
        if self.unchanged:
            return f"{self.agreement_id}: no change"
        fields = ", ".join(name for name, _, _ in self.changes)
        return f"{self.agreement_id}: changes {fields}"


def _cell(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _domain(url: str) -> str:
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.")


def find_partner(partners: pd.DataFrame, hei_id: str) -> tuple[str | None, list[str]]:
    """The partner of ``hei_id``: by its ``hei_id``, else by its website's domain.

    Returns (partner_id or None, the candidates when more than one website matches)."""
    if partners is None or partners.empty:
        return None, []
    records = partners.to_dict("records")
    by_hei = [_cell(p.get("partner_id")) for p in records if _cell(p.get("hei_id")).lower() == hei_id.lower()]
    if len(by_hei) == 1:
        return by_hei[0], []
    hei = hei_id.lower()
    by_site = [_cell(p.get("partner_id")) for p in records
               if (d := _domain(_cell(p.get("website")))) and (d == hei or d.endswith("." + hei))]
    if len(by_site) == 1:
        return by_site[0], []
    return None, by_hei or by_site


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "x"


def _academic_end(last_years: list[str]) -> str:
    """The last day (31 August) of the latest academic year named, '' when none is."""
    starts = [int(y[:4]) for y in last_years if re.match(r"^\d{4}/\d{4}$", y or "")]
    return f"{max(starts) + 1}-08-31" if starts else ""


def _frame(frames: dict[str, pd.DataFrame], table: str) -> pd.DataFrame:
    frame = frames.get(table)
    if frame is None:
        return pd.DataFrame(columns=TABLES[table].names)
    return frame


def plan_import(data: bytes, frames: dict[str, pd.DataFrame], institution_id: str,
                file_name: str = "", our_hei: str = "",
                partner_map: dict[str, str] | None = None,
                new_partners: dict[str, dict[str, str]] | None = None) -> list[ImportPlan]:
    """The plan of importing every agreement of an IIA file for ``institution_id``.

    ``frames`` are the current version's text tables. ``our_hei`` is the institution's
    EWP id when its row has none. ``partner_map`` maps a partner's ``hei_id`` to an
    existing ``partner_id``; ``new_partners`` gives the cells of a partner to create.
    """
    partner_map = {k.lower(): v for k, v in (partner_map or {}).items()}
    new_partners = {k.lower(): v for k, v in (new_partners or {}).items()}
    institutions = _frame(frames, "institutions")
    row = institutions[institutions["institution_id"].astype(str) == institution_id]
    if row.empty:
        raise IiaError("no_institution", f"There is no institution {institution_id}.",
                       institution=institution_id)
    hei = our_hei or _cell(row.iloc[0].get("hei_id"))
    iias = read_iias(data)
    agreements = _frame(frames, "agreements")
    terms = _frame(frames, "agreement_terms")
    plans = []
    for iia in iias:
        if not hei or iia.side(hei) is None:
            raise IiaError("not_ours", f"Neither partner of this IIA ({iia.partners[0].hei_id}, "
                           f"{iia.partners[1].hei_id}) is {institution_id} ({hei or 'no hei_id'}).",
                           institution=institution_id, heis=f"{iia.partners[0].hei_id}, {iia.partners[1].hei_id}")
        ours, theirs = iia.side(hei), iia.other(hei)
        assert ours is not None
        partner_id, _ = find_partner(_frame(frames, "partners"), theirs.hei_id)
        new_partner = None
        if theirs.hei_id.lower() in partner_map:
            partner_id = partner_map[theirs.hei_id.lower()]
        elif partner_id is None and theirs.hei_id.lower() in new_partners:
            new_partner = {"partner_id": f"p-{_slug(theirs.hei_id)}", "type": "university",
                           "hei_id": theirs.hei_id, "website": f"https://{theirs.hei_id}",
                           **new_partners[theirs.hei_id.lower()]}
            partner_id = new_partner["partner_id"]
        set_hei = False
        if partner_id is not None and new_partner is None:
            known = _frame(frames, "partners")
            row_p = known[known["partner_id"].astype(str) == partner_id]
            set_hei = not row_p.empty and not _cell(row_p.iloc[0].get("hei_id"))
        existing = _match(agreements, institution_id, ours, theirs)
        if existing is not None:
            before = {k: _cell(v) for k, v in existing.items()}
            agreement_id = before["agreement_id"]
        else:
            before = {}
            agreement_id = f"a-{_slug(institution_id)}-iia-{_slug(theirs.iia_id or ours.iia_id or theirs.hei_id)}"
        term_rows = [term_cells(t, agreement_id, hei, f"IIA file {file_name}".strip()) for t in iia.terms]
        after = _agreement_cells(before, iia, hei, ours, theirs, institution_id, partner_id or "",
                                 agreement_id, term_rows, file_name)
        old_terms = [] if terms.empty else [
            {c: _cell(v) for c, v in r.items()} for r in terms[terms["agreement_id"].astype(str) == agreement_id].to_dict("records")]
        changes = [(name, before.get(name, ""), after.get(name, "")) for name in after
                   if existing is not None and before.get(name, "") != after.get(name, "")]
        if existing is not None and _term_keys(old_terms) != _term_keys(term_rows):
            changes.append(("terms", str(len(old_terms)), str(len(term_rows))))
        if existing is not None and set_hei:
            changes.append(("partner hei_id", "", theirs.hei_id))
        plans.append(ImportPlan(iia, hei, theirs.hei_id, partner_id, new_partner, agreement_id,
                                existing is not None, after, term_rows, changes, len(old_terms), set_hei))
    return plans


def _term_keys(rows: list[dict[str, str]]) -> list[tuple]:
    columns = [c.name for c in TABLES["agreement_terms"].columns if c.name != "source"]
    return sorted(tuple(_cell(r.get(c)) for c in columns) for r in rows)


def _match(agreements: pd.DataFrame, institution_id: str, ours: Side, theirs: Side) -> dict | None:
    if agreements.empty:
        return None
    for record in agreements.to_dict("records"):
        if _cell(record.get("institution_id")) != institution_id:
            continue
        iia_id = _cell(record.get("iia_id"))
        if (theirs.iia_id and iia_id == theirs.iia_id) or (
                ours.iia_id and (iia_id == ours.iia_id or note_value(record.get("notes"), "EWP our iia-id") == ours.iia_id)):
            return record
    return None


def _agreement_cells(before: dict[str, str], iia: Iia, hei: str, ours: Side, theirs: Side,
                     institution_id: str, partner_id: str, agreement_id: str,
                     term_rows: list[dict[str, str]], file_name: str) -> dict[str, str]:
    cells = dict(before)
    cells.update({"agreement_id": agreement_id, "institution_id": institution_id})
    cells["partner_id"] = before.get("partner_id") or partner_id
    cells["kind"] = before.get("kind") or "academic_mobility"
    cells["title"] = before.get("title") or f"Erasmus+ IIA {theirs.iia_code or theirs.iia_id or theirs.hei_id}"
    cells["signed_on"] = before.get("signed_on") or ours.signing_date
    cells["expires_on"] = before.get("expires_on") or _academic_end([r["last_year"] for r in term_rows])
    cells["iia_id"] = theirs.iia_id or before.get("iia_id", "") or ours.iia_id
    stage = before.get("stage", "")
    if iia.in_effect and stage not in ("renewal_due", "ended"):
        stage = "in_effect"
    elif not iia.in_effect and not stage:
        stage = "negotiation"
    cells["stage"] = stage
    cells["source"] = before.get("source") or f"IIA file {file_name}".strip()
    kept = [line for line in before.get("notes", "").splitlines() if not line.startswith("EWP ")]
    cells["notes"] = "\n".join([*kept, notes_of(iia, hei)]).strip()
    return cells


def apply_plans(frames: dict[str, pd.DataFrame], plans: list[ImportPlan]) -> dict[str, pd.DataFrame]:
    """The current tables with the plans applied (agreements, their terms, new partners)."""
    out = {name: frame.copy() for name, frame in frames.items()}
    for plan in plans:
        if plan.partner_id is None:
            raise IiaError("unmapped", f"The partner {plan.partner_hei} is not in the data: map it to a "
                           "partner or create it.", hei=plan.partner_hei)
        if plan.new_partner is not None:
            out["partners"] = _upsert(out.get("partners"), "partners", "partner_id", plan.new_partner)
        elif plan.partner_hei_to_set:
            # found by its website or mapped by hand: keep its EWP id, so the next file finds it
            out["partners"] = _upsert(out.get("partners"), "partners", "partner_id",
                                      {"partner_id": plan.partner_id, "hei_id": plan.partner_hei})
        out["agreements"] = _upsert(out.get("agreements"), "agreements", "agreement_id", plan.agreement)
        terms = out.get("agreement_terms")
        if terms is None:
            terms = pd.DataFrame(columns=TABLES["agreement_terms"].names)
        terms = terms[terms["agreement_id"].astype(str) != plan.agreement_id]
        out["agreement_terms"] = pd.concat([terms, pd.DataFrame(plan.terms)], ignore_index=True).fillna("")
    return out


def _upsert(frame: pd.DataFrame | None, table: str, key: str, cells: dict[str, str]) -> pd.DataFrame:
    if frame is None:
        frame = pd.DataFrame(columns=TABLES[table].names)
    frame = frame.copy()
    for column in cells:
        if column not in frame.columns:
            frame[column] = ""
    hit = frame[key].astype(str) == cells[key]
    if hit.any():
        for column, value in cells.items():
            frame.loc[hit, column] = value
        return frame
    row = {c: cells.get(c, "") for c in frame.columns}
    return pd.concat([frame, pd.DataFrame([row], index=[cells[key]])]).fillna("")


def export_agreement(tables: dict[str, pd.DataFrame], agreement_id: str) -> bytes:
    """One agreement of the clean tables (``loaders.load_dataset``) as an IIA v7 file."""
    agreements = tables.get("agreements")
    if agreements is None or agreement_id not in set(agreements["agreement_id"].astype(str)):
        raise IiaError("no_agreement", f"There is no agreement {agreement_id}.", agreement=agreement_id)
    agreement = agreements[agreements["agreement_id"].astype(str) == agreement_id].iloc[0].to_dict()
    institution = tables["institutions"].set_index("institution_id").loc[agreement["institution_id"]]
    partners = tables["partners"].set_index("partner_id")
    our_hei = _cell(institution.get("hei_id"))
    partner_hei = _cell(partners.loc[agreement["partner_id"]].get("hei_id")) if agreement["partner_id"] in partners.index else ""
    if not our_hei or not partner_hei:
        missing = agreement["institution_id"] if not our_hei else agreement["partner_id"]
        raise IiaError("no_hei", f"{missing} has no hei_id (its EWP id); an IIA needs both.", row=missing)
    terms = tables.get("agreement_terms")
    rows = [] if terms is None else terms[terms["agreement_id"].astype(str) == agreement_id].to_dict("records")
    order = list(SPEC_TYPES.values())  # the file's order: its term numbers in the notes follow it
    rows.sort(key=lambda r: order.index(str(r["mobility_type"])))
    notes = agreement.get("notes")
    signed = agreement.get("signed_on")
    ours = Side(our_hei, note_value(notes, "EWP our iia-id"),  # omitted when we gave none
                note_value(notes, "EWP our iia-code"),
                pd.Timestamp(signed).date().isoformat() if signed is not None and not pd.isna(signed)
                and _cell(agreement.get("signed_on_precision")) in ("", "day") else "",
                note_facts(notes, "EWP our "))
    theirs = Side(partner_hei, _cell(agreement.get("iia_id")), note_value(notes, "EWP partner iia-code"),
                  note_value(notes, "EWP partner signing-date"), note_facts(notes, "EWP partner "))
    stage = _cell(agreement.get("stage"))
    in_effect = stage in ("in_effect", "renewal_due") or (not stage and _cell(agreement.get("status")) == "active")
    terms_out = []
    for number, row in enumerate(rows, start=1):
        term = term_from_row(row, our_hei, partner_hei)
        term.extra = note_facts(notes, f"EWP term {number} ")
        terms_out.append(term)
    return write_iia(ours, theirs, in_effect, terms_out, note_value(notes, "EWP pdf-file"))


def read_file(path: str | Path) -> bytes:
    return Path(path).read_bytes()

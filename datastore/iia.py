"""Erasmus inter-institutional agreements (IIA, Erasmus Without Paper API v7) in and out.

Reading: a file of ``<iias-get-response>`` is validated against the bundled v7 schema
(``datastore/ewp/``, offline), then each ``<iia>`` becomes one agreement and one
``agreement_terms`` row per mobility specification (docs/agreements.md). Writing: one
agreement and its terms become a v7 response that validates against the same schema.

Nothing here touches the store; ``datastore.iia_store`` plans and saves an import.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

EWP_DIR = Path(__file__).resolve().parent / "ewp"
NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
CONTACT_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"
_RAW = "https://raw.githubusercontent.com/erasmus-without-paper/"
_IMPORTS = {
    _RAW + "ewp-specs-architecture/stable-v1/common-types.xsd": "architecture-common-types.xsd",
    _RAW + "ewp-specs-types-academic-term/stable-v1/schema.xsd": "types-academic-term-schema.xsd",
    _RAW + "ewp-specs-types-address/stable-v1/schema.xsd": "types-address-schema.xsd",
    _RAW + "ewp-specs-types-contact/stable-v1/schema.xsd": "types-contact-schema.xsd",
    _RAW + "ewp-specs-types-phonenumber/stable-v1/schema.xsd": "types-phonenumber-schema.xsd",
}
# The four kinds of cooperation condition, in the order the schema lists them.
SPEC_TYPES = {
    "student-studies-mobility-spec": "student_studies",
    "student-traineeship-mobility-spec": "student_traineeship",
    "staff-teacher-mobility-spec": "staff_teaching",
    "staff-training-mobility-spec": "staff_training",
}
SPEC_OF_TYPE = {v: k for k, v in SPEC_TYPES.items()}
# Most files this reads are small; a larger one is refused before it is parsed.
MAX_BYTES = 5 * 1024 * 1024


class IiaError(ValueError):
    """The file is not an IIA v7 response, or an agreement cannot be written as one.

    ``code`` names the message (``iia.error.<code>`` in i18n), ``params`` fill it."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass
class Term:
    """One mobility specification, as this project's ``agreement_terms`` columns."""

    mobility_type: str
    sending_hei: str
    receiving_hei: str
    first_year: str
    last_year: str
    mobilities_per_year: int | None
    months_per_year: float | None = None
    days_per_year: float | None = None
    isced: list[str] = field(default_factory=list)
    eqf: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # what the contract has no column for


@dataclass
class Side:
    hei_id: str
    iia_id: str = ""
    iia_code: str = ""
    signing_date: str = ""
    extra: list[str] = field(default_factory=list)


@dataclass
class Iia:
    """One ``<iia>`` of a file."""

    partners: tuple[Side, Side]
    in_effect: bool
    terms: list[Term]
    iia_hash: str = ""
    pdf_file: str = ""

    def side(self, hei_id: str) -> Side | None:
        return next((s for s in self.partners if s.hei_id.lower() == hei_id.lower()), None)

    def other(self, hei_id: str) -> Side:
        return next(s for s in self.partners if s.hei_id.lower() != hei_id.lower())


@cache
def schema() -> Any:
    """The IIA v7 get-response schema with its imports, read from datastore/ewp/ only."""
    import xmlschema

    mapper = {url: str(EWP_DIR / name) for url, name in _IMPORTS.items()}
    mapper["http://www.w3.org/2001/03/xml.xsd"] = str(
        Path(xmlschema.__file__).resolve().parent / "schemas" / "XML" / "xml.xsd")
    return xmlschema.XMLSchema(str(EWP_DIR / "iias-get-response-v7.xsd"), uri_mapper=mapper,
                               allow="local", defuse="always")


def validation_errors(data: bytes) -> list[str]:
    """Why ``data`` is not a valid IIA v7 response ([] when it is), at most five reasons."""
    import xmlschema

    try:
        errors = list(schema().iter_errors(io.BytesIO(data)))
    except (xmlschema.XMLSchemaException, ET.ParseError, ValueError) as exc:
        return [str(exc).splitlines()[0]]
    return [f"{e.path or ''}: {e.reason or e.message}".strip() for e in errors[:5]]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _number(text: str) -> float | None:
    return float(text) if text else None


def _contact(element: ET.Element) -> str:
    names = [_text(c) for c in element if _local(c.tag) == "contact-name"]
    emails = [_text(c) for c in element if _local(c.tag) == "email"]
    return ", ".join(n for n in names + emails if n)


def _term(element: ET.Element, mobility_type: str) -> Term:
    years = int(_text(_child(element, "mobilities-per-year")) or 0)
    per_year = _child(element, "mobilities-per-year")
    not_defined = per_year is not None and per_year.get("not-yet-defined") == "true"
    languages = []
    for skill in _children(element, "recommended-language-skill"):
        level = _text(_child(skill, "cefr-level"))
        languages.append(_text(_child(skill, "language")) + (f":{level}" if level else ""))
    isced, extra = [], []
    for area in _children(element, "subject-area"):
        code = _text(_child(area, "isced-f-code"))
        isced.append(code)
        note = _text(_child(area, "isced-clarification"))
        if note:
            extra.append(f"ISCED {code}: {note}")
    for name in ("sending-ounit-id", "receiving-ounit-id", "other-info-terms", "blended"):
        value = _text(_child(element, name))
        if value and not (name == "blended" and value == "false"):
            extra.append(f"{name}: {value}")
    for name in ("sending-contact", "receiving-contact"):
        for contact in _children(element, name):
            extra.append(f"{name}: {_contact(contact)}")
    return Term(
        mobility_type=mobility_type,
        sending_hei=_text(_child(element, "sending-hei-id")),
        receiving_hei=_text(_child(element, "receiving-hei-id")),
        first_year=_text(_child(element, "receiving-first-academic-year-id")),
        last_year=_text(_child(element, "receiving-last-academic-year-id")),
        mobilities_per_year=None if not_defined else years,
        months_per_year=_number(_text(_child(element, "total-months-per-year"))),
        days_per_year=_number(_text(_child(element, "total-days-per-year"))),
        isced=isced,
        eqf=[_text(e) for e in _children(element, "eqf-level")],
        languages=languages,
        extra=extra,
    )


def _side(element: ET.Element) -> Side:
    extra = []
    ounit = _text(_child(element, "ounit-id"))
    if ounit:
        extra.append(f"ounit-id: {ounit}")
    for name in ("signing-contact", "contact"):
        for contact in _children(element, name):
            extra.append(f"{name}: {_contact(contact)}")
    return Side(_text(_child(element, "hei-id")), _text(_child(element, "iia-id")),
                _text(_child(element, "iia-code")), _text(_child(element, "signing-date")), extra)


def read_iias(data: bytes) -> list[Iia]:
    """Every agreement of an IIA v7 get-response file; ``IiaError`` when it is not one."""
    if len(data) > MAX_BYTES:
        raise IiaError("too_big", "The file is larger than an IIA file can be.", limit=MAX_BYTES)
    try:
        root = _parse(data)
    except ET.ParseError as exc:
        raise IiaError("not_xml", f"The file is not XML: {exc}.", reason=str(exc)) from None
    if root.tag != f"{{{NS}}}iias-get-response":
        raise IiaError("not_iia", "The file is not an Erasmus IIA v7 file (iias-get-response).",
                       root=_local(root.tag))
    errors = validation_errors(data)
    if errors:
        raise IiaError("invalid", "The file does not follow the IIA v7 schema: " + errors[0],
                       reason=errors[0])
    out = []
    for element in _children(root, "iia"):
        partners = tuple(_side(p) for p in _children(element, "partner"))
        terms = []
        conditions = _child(element, "cooperation-conditions")
        for spec in list(conditions) if conditions is not None else []:
            kind = SPEC_TYPES.get(_local(spec.tag))
            if kind:
                terms.append(_term(spec, kind))
        out.append(Iia((partners[0], partners[1]), _text(_child(element, "in-effect")) == "true",
                       terms, _text(_child(element, "iia-hash")), _text(_child(element, "pdf-file"))))
    return out


def _parse(data: bytes) -> ET.Element:
    """Parse without entities: a DOCTYPE (where entity tricks live) is refused outright."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ET.ParseError("a DOCTYPE or entity declaration is not allowed")
    return ET.fromstring(data)


# ---------------------------------------------------------------------- writing


def _sub(parent: ET.Element, name: str, text: str | None = None, ns: str = NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _decimal(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _extra(facts: list[str], name: str) -> list[str]:
    """The values of ``name: value`` facts (kept from a file, see ``notes_of``)."""
    return [f[len(name) + 2:] for f in facts if f.startswith(name + ": ")]


def _write_contact(parent: ET.Element, name: str, text: str, ns: str = NS) -> None:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    names = [p for p in parts if "@" not in p]
    if not names:  # the schema wants a name in every contact
        return
    contact = _sub(parent, name, ns=ns)
    for value in names:
        _sub(contact, "contact-name", value, ns=CONTACT_NS)
    for value in parts:
        if "@" in value:
            _sub(contact, "email", value, ns=CONTACT_NS)


def _spec(parent: ET.Element, term: Term) -> None:
    spec = _sub(parent, SPEC_OF_TYPE[term.mobility_type])
    for end in ("sending", "receiving"):
        _sub(spec, f"{end}-hei-id", term.sending_hei if end == "sending" else term.receiving_hei)
        for value in _extra(term.extra, f"{end}-ounit-id")[:1]:
            _sub(spec, f"{end}-ounit-id", value)
        for value in _extra(term.extra, f"{end}-contact"):
            _write_contact(spec, f"{end}-contact", value)
    _sub(spec, "receiving-first-academic-year-id", term.first_year)
    _sub(spec, "receiving-last-academic-year-id", term.last_year)
    _sub(spec, "mobilities-per-year", str(term.mobilities_per_year))
    for language in term.languages:
        code, _, level = language.partition(":")
        skill = _sub(spec, "recommended-language-skill")
        _sub(skill, "language", code.strip())
        if level.strip():
            _sub(skill, "cefr-level", level.strip().upper())
    for code in term.isced:
        area = _sub(spec, "subject-area")
        _sub(area, "isced-f-code", code)
        for value in _extra(term.extra, f"ISCED {code}")[:1]:
            _sub(area, "isced-clarification", value)
    for value in _extra(term.extra, "other-info-terms")[:1]:
        _sub(spec, "other-info-terms", value)
    if term.mobility_type.startswith("student"):
        if term.months_per_year:
            _sub(spec, "total-months-per-year", _decimal(term.months_per_year))
        _sub(spec, "blended", "true" if _extra(term.extra, "blended") == ["true"] else "false")
        for level in term.eqf:
            _sub(spec, "eqf-level", level)
    elif term.days_per_year:
        _sub(spec, "total-days-per-year", _decimal(term.days_per_year))


def conditions_hash(conditions: ET.Element) -> str:
    """SHA-256 of the canonical (C14N 2.0) form of ``<cooperation-conditions>``.

    EWP defines the hash over a text made by an XSLT of its own, not bundled here; this is
    the project's reading (docs/agreements.md), stable for the same conditions."""
    text = ET.canonicalize(ET.tostring(conditions, encoding="unicode"), strip_text=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_iia(ours: Side, theirs: Side, in_effect: bool, terms: list[Term], pdf_file: str = "") -> bytes:
    """An IIA v7 get-response with one agreement; ``IiaError`` when a term cannot be one."""
    for number, term in enumerate(terms, start=1):
        if not term.last_year:
            raise IiaError("no_last_year", f"Term {number} has no last academic year; an IIA needs one.",
                           term=number)
        if term.mobilities_per_year is None or term.mobilities_per_year < 1:
            raise IiaError("no_mobilities", f"Term {number} has no number of mobilities per year; "
                           "an IIA needs one.", term=number)
        if term.mobility_type in ("student_studies", "staff_teaching") and not term.languages:
            raise IiaError("no_language", f"Term {number} has no language; an IIA needs one for "
                           "this kind of mobility.", term=number)
    ET.register_namespace("", NS)
    ET.register_namespace("c", CONTACT_NS)
    root = ET.Element(f"{{{NS}}}iias-get-response")
    iia = _sub(root, "iia")
    for side in (ours, theirs):
        partner = _sub(iia, "partner")
        _sub(partner, "hei-id", side.hei_id)
        for value in _extra(side.extra, "ounit-id")[:1]:
            _sub(partner, "ounit-id", value)
        if side.iia_id:
            _sub(partner, "iia-id", side.iia_id)
        if side.iia_code:
            _sub(partner, "iia-code", side.iia_code)
        for value in _extra(side.extra, "signing-contact")[:1]:
            _write_contact(partner, "signing-contact", value)
        if side.signing_date:
            _sub(partner, "signing-date", side.signing_date)
        for value in _extra(side.extra, "contact"):
            _write_contact(partner, "contact", value, ns=CONTACT_NS)
    _sub(iia, "in-effect", "true" if in_effect else "false")
    conditions = _sub(iia, "cooperation-conditions")
    for kind in SPEC_TYPES.values():  # the schema wants the four kinds in this order
        for term in terms:
            if term.mobility_type == kind:
                _spec(conditions, term)
    _sub(iia, "iia-hash", conditions_hash(conditions))
    if pdf_file:
        _sub(iia, "pdf-file", pdf_file)
    ET.indent(root, space="    ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    errors = validation_errors(data)
    if errors:  # a term whose values the schema refuses (e.g. an ISCED code of 5 digits)
        raise IiaError("invalid_out", "The agreement cannot be written as a valid IIA: " + errors[0],
                       reason=errors[0])
    return data


# ------------------------------------------------------------- to and from our rows


def _list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]


def term_cells(term: Term, agreement_id: str, our_hei: str, source: str) -> dict[str, str]:
    """The ``agreement_terms`` row of a term, seen from the institution ``our_hei``."""
    direction = "outgoing" if term.sending_hei.lower() == our_hei.lower() else "incoming"

    def num(value: float | None) -> str:
        return "" if value is None else _decimal(value)

    return {
        "agreement_id": agreement_id, "mobility_type": term.mobility_type, "direction": direction,
        "first_year": term.first_year, "last_year": term.last_year,
        "mobilities_per_year": "" if term.mobilities_per_year is None else str(term.mobilities_per_year),
        "months_per_year": num(term.months_per_year), "days_per_year": num(term.days_per_year),
        "isced": ";".join(term.isced), "eqf": ";".join(term.eqf),
        "languages": ";".join(term.languages), "source": source,
    }


def term_from_row(row: dict, our_hei: str, partner_hei: str) -> Term:
    """A term row (clean, as the loader gives it) as an IIA mobility specification."""
    outgoing = str(row.get("direction")) == "outgoing"

    def number(value: object) -> float | None:
        return None if value is None or pd.isna(value) or value == "" else float(value)  # type: ignore[arg-type]

    per_year = number(row.get("mobilities_per_year"))
    last = row.get("last_year")
    return Term(
        mobility_type=str(row["mobility_type"]),
        sending_hei=our_hei if outgoing else partner_hei,
        receiving_hei=partner_hei if outgoing else our_hei,
        first_year=str(row["first_year"]),
        last_year="" if last is None or pd.isna(last) else str(last),
        mobilities_per_year=None if per_year is None else int(per_year),
        months_per_year=number(row.get("months_per_year")),
        days_per_year=number(row.get("days_per_year")),
        isced=_list(row.get("isced")), eqf=_list(row.get("eqf")), languages=_list(row.get("languages")),
    )


def notes_of(iia: Iia, our_hei: str) -> str:
    """What the file holds that the contract has no column for, one fact a line."""
    ours, theirs = iia.side(our_hei), iia.other(our_hei)
    lines = []
    if ours is not None and ours.iia_id:
        lines.append(f"EWP our iia-id: {ours.iia_id}")
    for label, side in (("our", ours), ("partner", theirs)):
        if side is None:
            continue
        if side.iia_code:
            lines.append(f"EWP {label} iia-code: {side.iia_code}")
        if side.signing_date:
            lines.append(f"EWP {label} signing-date: {side.signing_date}")
        lines.extend(f"EWP {label} {fact}" for fact in side.extra)
    for number, term in enumerate(iia.terms, start=1):
        lines.extend(f"EWP term {number} {fact}" for fact in term.extra)
    if iia.pdf_file:
        lines.append(f"EWP pdf-file: {iia.pdf_file}")
    return "\n".join(lines)


def note_facts(notes: object, prefix: str) -> list[str]:
    """The facts of the notes' lines that start with ``prefix`` (without it)."""
    text = "" if notes is None or (not isinstance(notes, str) and pd.isna(notes)) else str(notes)
    return [line[len(prefix):].strip() for line in text.splitlines() if line.startswith(prefix)]


def note_value(notes: object, key: str) -> str:
    """The value of one ``key: value`` line of an agreement's notes ('' when absent)."""
    text = "" if notes is None or (not isinstance(notes, str) and pd.isna(notes)) else str(notes)
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return line[len(key) + 1:].strip()
    return ""

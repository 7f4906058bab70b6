"""The pack cites documents by number (issue 28), on tests/documents_fixtures.py: the
register's numbers against the rows, the citations in every Source column, the numbers
each slide and page names, the Documents sheet, and the zip with its evidence folder
(the public edition: public documents only, no file metadata naming a person)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import documents_fixtures as fx
import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from loaders import load_dataset
from metrics import Scope
from report.model import build_pack
from report.pdf import write_pdf
from report.pptx import write_pptx
from report.xlsx import write_xlsx

ROOT = Path(__file__).resolve().parent.parent
SCOPE = Scope(as_of=date(2025, 6, 30))
# Numbered by first citation: agreements a1 (web, then its attached memorandum), a2
# (minutes, by file name), visits v1 (web again), v2 ("Annual plan": no such document),
# the students row (its attached letter).
REGISTER = [("[1]", "International Cooperation Relations"), ("[2]", "Memorandum with Seoul Clinic"),
            ("[3]", "Minutes of the international council"), ("[4]", "Annual plan"),
            ("[5]", "Invitation letter for Korean students")]


def signed_pdf(author: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": author, "/Title": "Memorandum"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def folder(tmp_path):
    folder = fx.write(tmp_path / "ds")
    (folder / "documents" / "mou-a1.pdf").write_bytes(signed_pdf("Aziza Karimova"))
    return folder


def pack_of(folder: Path, public: bool = False):
    return build_pack(load_dataset(folder), SCOPE, "en", public)


def test_register_numbers_against_the_rows(folder):
    pack = pack_of(folder)
    assert [(r[0], r[1].split(" (")[0]) for r in pack.sources.rows] == REGISTER
    rows = {r[0]: r[5] for r in pack.sources.rows}
    assert rows == {"[1]": "2", "[2]": "1", "[3]": "1", "[4]": "1", "[5]": "1"}
    web, mou, minutes, unknown, letter = pack.sources.rows
    assert web[2:5] == ["Samarkand State Medical University", "7 Feb 2024", "https://example.org/intl"]
    assert minutes[4] == "attached (evidence folder)"
    assert unknown[4] == "not in the documents table"
    assert letter[3:5] == ["2024", "address not given"]
    # every Source column cites by number, never by file name
    agreements = pack.data_tables["agreements"]
    column = agreements.headers.index("Source")
    assert [r[column] for r in agreements.rows] == [
        '[1] International Cooperation Relations; [2] Memorandum with Seoul Clinic: '
        '"signed a memorandum with Seoul Clinic"',
        '[3] Minutes of the international council: "agreement with Kazan"']


def test_each_part_cites_its_documents(folder):
    pack = pack_of(folder)
    assert pack.cites["mobility"] == [1, 4]
    assert pack.cites["agreements"] == [1, 2, 3]
    assert pack.cites["students"] == [5]
    assert pack.cites["grants"] == []
    assert pack.cites_line("mobility") == "Sources: [1], [4]"
    assert pack.cites_line("grants") == ""


def test_slides_pdf_and_annex_name_no_file(folder, tmp_path):
    pack = pack_of(folder)
    pptx, pdf, xlsx = tmp_path / "p.pptx", tmp_path / "p.pdf", tmp_path / "p.xlsx"
    write_pptx(pptx, pack)
    write_pdf(pdf, pack)
    write_xlsx(xlsx, pack)
    with zipfile.ZipFile(pptx) as z:
        slides = {n: z.read(n).decode() for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)}
    text = " ".join(slides.values())
    assert "minutes-2024.pdf" not in text and "mou-a1.pdf" not in text
    footers = [re.findall(r"Sources: [^<]*", s) for s in slides.values()]
    # every slide but the cover (no grant rows: the grant slides are left out, issue 29)
    assert sum(1 for f in footers if f) == len(slides) - 1
    assert "Sources: [1], [4]" in text  # the mobility slides
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert not any("minutes-2024.pdf" in p for p in pages)
    # every page but the cover and the contents (pack.toc.title) cites its documents
    assert all("Sources: [" in p for p in pages[2:])
    book = openpyxl.load_workbook(xlsx, read_only=True)
    sheet = book["Documents"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert [tuple(v[:2]) for v in values[3:]] == REGISTER


def run_report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report", *args], cwd=ROOT, capture_output=True, text=True)


def test_zip_with_documents(folder, tmp_path):
    out = tmp_path / "pack.zip"
    done = run_report(str(folder), "--out", str(out), "--as-of", "2025-06-30", "--with-documents")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        names = sorted(z.namelist())
        index = z.read("evidence/index.txt").decode()
        kept = z.read("evidence/02-mou-a1.pdf")
    assert [n for n in names if n.startswith("evidence/")] == [
        "evidence/02-mou-a1.pdf", "evidence/03-minutes-2024.pdf", "evidence/index.csv", "evidence/index.txt"]
    assert sum(n.endswith((".pdf", ".pptx", ".xlsx")) and "/" not in n for n in names) == 3
    assert "[3] Minutes of the international council" in index and "file: 03-minutes-2024.pdf" in index
    assert PdfReader(io.BytesIO(kept)).metadata["/Author"] == "Aziza Karimova"  # the office's own copy


def test_public_zip_holds_no_private_file(folder, tmp_path):
    out = tmp_path / "public.zip"
    done = run_report(str(folder), "--out", str(out), "--as-of", "2025-06-30", "--with-documents", "--public")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        evidence = sorted(n for n in z.namelist() if n.startswith("evidence/"))
        assert evidence == ["evidence/02-Memorandum-with-Seoul-Clinic.pdf", "evidence/index.csv",
                            "evidence/index.txt"]
        kept = z.read(evidence[0])
        index = z.read("evidence/index.txt").decode()
        everything = b"".join(z.read(n) for n in z.namelist())
    meta = PdfReader(io.BytesIO(kept)).metadata or {}
    assert "/Author" not in meta and b"Aziza" not in kept
    assert b"Aziza Karimova" not in everything
    assert "minutes" not in index.lower().replace("minutes of the international council", "")
    assert "kept by the institution (not public)" in index


def test_with_documents_needs_a_zip(folder, tmp_path):
    done = run_report(str(folder), "--out", str(tmp_path / "p.pdf"), "--with-documents")
    assert done.returncode == 1 and "--with-documents needs --out PACK.zip" in done.stderr

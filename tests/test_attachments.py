"""Files an office attaches to a row (issue 28), on SQLite and PostgreSQL: checked, kept
in the store as a documents row of a new version, materialised in documents/, rights as
for the row, brought back by a rollback; and the command line."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from datastore import attachments
from datastore.attachments import AttachmentRejected
from datastore.store import Refused, StoreError
from loaders import load_dataset
from metrics.documents import DocumentIndex
from tests import test_datastore

ROOT = Path(__file__).resolve().parent.parent
store = test_datastore.store  # editors admin, sam (samsmu), andi (admi); visits v1 (samsmu), v2 (admi)


def pdf_bytes(author: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if author:
        writer.add_metadata({"/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def office_bytes(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
        z.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Aziza Karimova</dc:creator>"
                                        "<cp:lastModifiedBy>Aziza Karimova</cp:lastModifiedBy></cp:coreProperties>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def test_attach_keeps_the_file_as_a_document_of_the_row(store):
    data = pdf_bytes()
    version = attachments.attach(store, "visits", "v1", "invitation.pdf", data, title="Invitation letter",
                                 kind="letter", editor="sam", expected_current=None)
    assert version.number == 2 and version.action == "attach"
    assert version.counts["documents"] == {"added": 1, "changed": 0, "removed": 0}
    [doc] = attachments.attached(store)
    assert doc["attached_to"] == "visits:v1" and doc["kind"] == "letter" and doc["public"] == "no"
    assert doc["file"].endswith("/invitation.pdf")
    folder = store.active_path()
    assert (folder / "documents" / doc["file"]).read_bytes() == data
    ds = load_dataset(folder)
    assert [p.code for p in ds.problems if p.table == "documents"] == []  # the file is where the row says
    index = DocumentIndex(ds.tables["documents"])
    assert index.attached("visits", "v1") == [doc["doc_id"]]


def test_rights_are_those_of_the_row(store):
    with pytest.raises(Refused):  # v2 is ADMI's visit
        attachments.attach(store, "visits", "v2", "x.pdf", pdf_bytes(), title="X", kind="other",
                           editor="sam", expected_current=None)
    assert attachments.attach(store, "visits", "v2", "x.pdf", pdf_bytes(), title="X", kind="other",
                              editor="andi", expected_current=None).number == 2
    with pytest.raises(StoreError) as err:
        attachments.attach(store, "visits", "v9", "x.pdf", pdf_bytes(), title="X", kind="other",
                           editor="admin", expected_current=2)
    assert err.value.code == "no_row"


def test_rollback_brings_back_the_versions_attachments(store):
    data = pdf_bytes()
    attachments.attach(store, "visits", "v1", "memo.pdf", data, title="Memo", kind="agreement",
                       editor="admin", expected_current=None)
    [doc] = attachments.attached(store)
    attachments.remove(store, doc["doc_id"], "admin", 2)
    assert attachments.attached(store) == [] and not (store.active_path() / "documents").exists()
    assert [d["doc_id"] for d in attachments.attached(store, 2)] == [doc["doc_id"]]  # history keeps it
    restored = store.rollback(2, editor="admin", expected_current=3)
    assert restored.number == 4
    assert (store.active_path() / "documents" / doc["file"]).read_bytes() == data
    store.rollback(1, editor="admin", expected_current=4)  # before any attachment
    assert attachments.attached(store) == []


@pytest.mark.parametrize(("name", "data", "code"), [
    ("notes.txt", b"hello", "att_wrong_type"),
    ("scan.pdf", b"GIF89a....", "att_not_that_type"),
    ("scan.png", b"\x89PNG\r\n\x1a\nbroken", "att_damaged"),
    ("memo.docx", office_bytes("docx", {"word/vbaProject.bin": b"x"}), "att_macros"),
    ("table.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le"),
     "att_encrypted"),
    ("empty.pdf", b"", "empty"),
])
def test_files_that_are_refused(name, data, code):
    with pytest.raises(AttachmentRejected if code.startswith("att_") else Exception) as err:
        attachments.check_file(name, data)
    assert err.value.code == code


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AttachmentRejected) as err:
        attachments.check_file("locked.pdf", out.getvalue())
    assert err.value.code == "att_encrypted"


def test_size_limit_as_uploads(monkeypatch):
    monkeypatch.setenv("COOP_UPLOAD_MAX_MB", "0.001")  # about 1 KB
    with pytest.raises(Exception) as err:
        attachments.check_file("big.pdf", pdf_bytes() + b"%" * 2000)
    assert err.value.code == "too_large"


def test_good_files_pass():
    assert attachments.check_file("a/b/Memo.PDF", pdf_bytes()) == "Memo.PDF"
    assert attachments.check_file("m.docx", office_bytes("docx")) == "m.docx"
    assert attachments.check_file("t.xlsx", office_bytes("xlsx")) == "t.xlsx"


def test_command_line_attach(store, tmp_path, monkeypatch):
    path = tmp_path / "signed memo.pdf"
    path.write_bytes(pdf_bytes())
    env = {**__import__("os").environ}
    args = [sys.executable, "-m", "datastore", "attach", "visits", "v1", str(path), "--title",
            "Signed memorandum", "--kind", "agreement", "--public", "--editor", "sam", "--password-stdin"]
    done = subprocess.run(args, input="sam-pass-1\n", capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert "version 2" in done.stdout
    [doc] = attachments.attached(store)
    assert (doc["title"], doc["public"], doc["attached_to"]) == ("Signed memorandum", "yes", "visits:v1")
    refused = subprocess.run([*args[:5], "v2", *args[6:]], input="sam-pass-1\n", capture_output=True,
                             text=True, cwd=ROOT, env=env)
    assert refused.returncode == 1 and "may not change" in refused.stderr  # v2 is ADMI's

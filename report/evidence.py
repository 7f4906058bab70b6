"""The pack as one zip: the slides, the PDF and the Excel annex, and with ``--with-documents``
an ``evidence/`` folder holding the kept files of the documents the pack cites, with an index.

    python -m report data --out pack.zip --with-documents [--public]

``evidence/index.txt`` and ``evidence/index.csv`` list every document of the register by its
number (title, author, date, address, the file in the folder). The public edition carries
only the documents marked public, their files renamed after their number and title, and no
file metadata that could name a person: a PDF's document information and XMP metadata, the
author fields of a Word or Excel file (``docProps``, comment and revision authors), a
picture's EXIF and text chunks are left out.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from i18n import t
from report.model import Pack
from report.sources import Entry

_SLUG = re.compile(r"[^A-Za-z0-9]+")
_AUTHOR_ATTR = re.compile(rb'(w:author|w:initials|author)="[^"]*"')
_PERSON_TAGS = re.compile(
    rb"<(dc:creator|cp:lastModifiedBy|Manager|Company|cp:keywords|dc:description)>.*?</\1>", re.S)


def _slug(text: str, limit: int = 60) -> str:
    return _SLUG.sub("-", text).strip("-")[:limit].strip("-") or "document"


def evidence_name(entry: Entry, public: bool) -> str:
    """The file's name in ``evidence/``: its number, then its own name (public: its title)."""
    assert entry.file is not None
    stem = _slug(entry.title) if public else _slug(entry.file.stem, 80)
    return f"{entry.number:02d}-{stem}{entry.file.suffix.lower()}"


def scrub(name: str, data: bytes) -> bytes:
    """The file without the metadata that may name a person (the public edition)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader, PdfWriter

        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter()
        for page in reader.pages:  # pages only: no /Info, no XMP /Metadata of the catalogue
            writer.add_page(page)
        writer.add_metadata({"/Producer": ""})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    if suffix in (".png", ".jpg", ".jpeg"):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = image.copy()
            for key in [k for k in clean.info if k != "transparency"]:
                del clean.info[key]  # no EXIF, XMP, text chunks or comments
            out = io.BytesIO()
            clean.save(out, format="PNG" if suffix == ".png" else "JPEG", quality=95)
            return out.getvalue()
    if suffix in (".docx", ".xlsx"):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename.lower() == "docprops/custom.xml":
                    continue
                content = source.read(info)
                if info.filename.lower() in ("docprops/core.xml", "docprops/app.xml"):
                    content = _PERSON_TAGS.sub(lambda m: b"<" + m.group(1) + b"></" + m.group(1) + b">", content)
                elif info.filename.lower().endswith(".xml"):
                    content = _AUTHOR_ATTR.sub(lambda m: m.group(1) + b'=""', content)
                target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), content,
                                zipfile.ZIP_DEFLATED)
        return out.getvalue()
    return data


def evidence_files(pack: Pack) -> list[tuple[Entry, str]]:
    """The register's documents with a kept file that the edition may carry, and their names."""
    if pack.register is None:
        return []
    return [(e, evidence_name(e, pack.public)) for e in pack.register.shown
            if e.file is not None and (e.public or not pack.public)]


def index_rows(pack: Pack) -> list[list[str]]:
    """One row per document of the register: number, title, kind, author, date, address,
    the file in ``evidence/`` ("" when none travels with the pack)."""
    if pack.register is None:
        return []
    files = {e.number: name for e, name in evidence_files(pack)}
    return [[e.label, e.title, e.kind, e.author, e.date, e.address, files.get(e.number, "")]
            for e in pack.register.shown]


def _info(name: str) -> zipfile.ZipInfo:
    """A zip entry readable by everyone once unpacked, dated now."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def pack_files(pack: Pack, writers: dict[str, Callable[..., object]]) -> dict[str, bytes]:
    """The pack's files as bytes, named ``<stem><suffix>`` (``writers``: suffix -> write)."""
    files = {}
    for suffix, write in writers.items():
        buffer = io.BytesIO()
        write(buffer, pack)
        files[f"{pack.file_stem}{suffix}"] = buffer.getvalue()
    return files


def write_zip(path: str | Path | IO[bytes], pack: Pack, with_documents: bool,
              files: dict[str, bytes]) -> list[str]:
    """The pack's ``files`` (name -> bytes) and, ``with_documents``, the evidence folder;
    the names written."""
    names = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(_info(name), data)
            names.append(name)
        if with_documents:
            for entry, name in evidence_files(pack):
                assert entry.file is not None
                data = entry.file.read_bytes()
                if pack.public:
                    data = scrub(name, data)
                archive.writestr(_info(f"evidence/{name}"), data)
                names.append(f"evidence/{name}")
            for name, data in _index(pack).items():
                archive.writestr(_info(f"evidence/{name}"), data)
                names.append(f"evidence/{name}")
    return names


def _index(pack: Pack) -> dict[str, bytes]:
    lang = pack.lang
    headers = [t("pack.sources.col.number", lang), t("pack.col.document", lang), t("common.col.kind", lang),
               t("pack.sources.col.author", lang), t("pack.sources.col.date", lang),
               t("pack.sources.col.address", lang), t("pack.evidence.col.file", lang)]
    rows = index_rows(pack)
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(headers)
    writer.writerows(rows)
    lines = [pack.label("pack.evidence.index_title"), pack.scope_words, ""]
    if pack.public:
        lines += [pack.label("pack.evidence.public_note"), ""]
    urls = {e.label: e.url for e in pack.register.shown} if pack.register is not None else {}
    for number, title, kind, author, date, address, file in rows:
        head = ", ".join(p for p in (title, author, date, address) if p)
        lines.append(f"{number} {head}" + (f" ({kind})" if kind else ""))
        if file:
            lines.append("    " + pack.label("pack.evidence.file", name=file))
        else:
            lines.append("    " + pack.label("pack.evidence.no_file" if urls.get(number) else "pack.evidence.no_copy"))
    if not rows:
        lines.append(pack.label("pack.sources.none"))
    return {"index.txt": ("\n".join(lines) + "\n").encode("utf-8"),
            "index.csv": table.getvalue().encode("utf-8-sig")}


__all__ = ["evidence_files", "index_rows", "pack_files", "scrub", "write_zip"]

"""Export: the evidence pack (pptx, pdf) and the Excel annex for the current filters."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import streamlit as st

from i18n import t
from report import build_report
from ui import start_page, stop_if_empty

FORMATS = (  # (suffix, i18n key of the button, MIME type)
    ("pptx", "page.export.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("pdf", "page.export.pdf", "application/pdf"),
    ("xlsx", "page.export.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def export_bytes(kind: str, dataset, scope, scoped: dict, lang: str, public: bool) -> bytes:
    """One file of the pack as bytes (the writers of report/ write to a path)."""
    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    writers = {"pptx": write_pptx, "pdf": write_pdf, "xlsx": write_xlsx}
    report = build_report(dataset, scope, public=public, lang=lang)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"export.{kind}"
        writers[kind](out, report, scoped, lang, public)
        return out.read_bytes()


def cli_command(path: str, scope, lang: str, public: bool, suffix: str) -> str:
    """The `python -m report` line that writes the same file."""
    parts = ["python", "-m", "report", path, "--out", f"pack.{suffix}",
             "--as-of", scope.as_of.isoformat()]
    for flag, values in (("--institution", scope.institutions), ("--country", scope.countries),
                         ("--region", scope.regions), ("--faculty", scope.faculties),
                         ("--partner-type", scope.partner_types)):
        for value in sorted(values):
            parts += [flag, value]
    if scope.year_from is not None:
        parts += ["--from", str(scope.year_from)]
    if scope.year_to is not None:
        parts += ["--to", str(scope.year_to)]
    if lang != "en":
        parts += ["--lang", lang]
    if public:
        parts.append("--public")
    return shlex.join(parts)


ctx = start_page("export")
scoped = ctx.scoped()
stop_if_empty(ctx, [scoped[name] for name in ("agreements", "visits", "grants", "students")],
              "page.export.empty")

public = st.toggle(t("page.export.public", ctx.lang), value=ctx.present)
stem = f"cooperation_{ctx.scope.as_of.isoformat()}" + ("_public" if public else "")
columns = st.columns(len(FORMATS))
for column, (kind, key, mime) in zip(columns, FORMATS, strict=True):
    with column:
        st.download_button(
            t(key, ctx.lang),
            # Built only when clicked (on Streamlit's download thread), never on a rerun.
            data=lambda kind=kind: export_bytes(kind, ctx.dataset, ctx.scope, scoped, ctx.lang,
                                                public),
            file_name=f"{stem}.{kind}",
            mime=mime,
            icon=":material/download:",
            width="stretch",
            on_click="ignore",
            key=f"export_{kind}",
        )

st.caption(t("page.export.cli", ctx.lang))
st.code(cli_command(ctx.path, ctx.scope, ctx.lang, public, "pdf"), language="bash")

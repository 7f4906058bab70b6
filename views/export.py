"""Export: the evidence pack (pptx, pdf) and the Excel annex for the current filters.

The page says which scope the files cover, builds the three files from one content model
behind a progress bar, then offers them under names that say what they are
(``<institutions>_<scope>_<lang>_<as-of>[_public].<ext>``).
"""

from __future__ import annotations

import io
import shlex
from datetime import date

import streamlit as st

import research
from i18n import t
from metrics.tables import EVENT_TABLES
from ui import start_page, stop_if_empty

FORMATS = (  # (suffix, i18n key of the button, MIME type)
    ("pptx", "page.export.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("pdf", "page.export.pdf", "application/pdf"),
    ("xlsx", "page.export.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def build_files(dataset, scope, lang: str, public: bool, progress=None, research=None) -> dict[str, bytes]:
    """The three files as bytes, from one pack; ``progress(share, text)`` as they build;
    ``research``: the publication exports already read (the page's cached copy)."""
    from report.model import build_pack
    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    step = progress or (lambda share, text: None)
    pack = build_pack(dataset, scope, lang, public, as_of_default=scope.as_of == date.today(), research=research,
                      progress=lambda share: step(share * 0.4, t("page.export.step.model", lang)))
    files = {}
    writers = {"pptx": write_pptx, "pdf": write_pdf, "xlsx": write_xlsx}
    for n, (kind, key, _) in enumerate(FORMATS):
        step(0.4 + 0.2 * n, t("page.export.step.file", lang, file=t(key, lang)))
        buffer = io.BytesIO()
        writers[kind](buffer, pack)
        files[kind] = buffer.getvalue()
    from report.evidence import write_zip

    buffer = io.BytesIO()  # the three files and the cited documents' kept files (report.evidence)
    write_zip(buffer, pack, True, {f"{pack.file_stem}.{kind}": data for kind, data in files.items()})
    files["zip"] = buffer.getvalue()
    step(1.0, t("page.export.step.done", lang))
    return {"stem": pack.file_stem, **files}


def cli_command(path: str, scope, lang: str, public: bool, suffix: str) -> str:
    """The `python -m report` line that writes the same file."""
    parts = ["python", "-m", "report", path, "--out", ".", "--format", suffix,
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
stop_if_empty(ctx, [scoped[name] for name in EVENT_TABLES],
              "page.export.empty")

from report.scope_words import scope_lines, scope_words  # noqa: E402  (after the page guard)

lines = scope_lines(ctx.scope, ctx.dataset.tables, ctx.lang)
st.markdown(f"**{t('page.export.scope', ctx.lang)}**")
st.text(f"{scope_words(lines, ctx.lang)}\n"
        f"{t('export.as_of', ctx.lang)}: {ctx.scope.as_of.isoformat()}")
public = st.toggle(t("page.export.public", ctx.lang), value=ctx.presenting)


def files_key(exports) -> tuple:
    """What the built files depend on: a changed publication export makes them stale too."""
    exports_stamp = research.files_stamp([(f, "") for f in exports.files]) if exports is not None else ()
    return ("export_files", ctx.path, ctx.stamp, exports_stamp, ctx.scope, ctx.lang, public)


# The publication exports are looked up only when there are files to check or to build.
files = st.session_state.get("export_files")
exports = ctx.research() if files is not None else None
if files is not None and files.get("key") != files_key(exports):
    files = None
if st.button(t("page.export.build", ctx.lang), type="primary", key="export_build"):
    if st.session_state.get("export_files") is None:  # not looked up above
        exports = ctx.research()
    key = files_key(exports)
    bar = st.progress(0.0, text=t("page.export.building", ctx.lang))
    built = build_files(ctx.dataset, ctx.scope, ctx.lang, public,
                        lambda share, text: bar.progress(min(share, 1.0), text=text), exports)
    files = {"key": key, **built}
    st.session_state["export_files"] = files
if files is not None:
    columns = st.columns(len(FORMATS))
    for column, (kind, label_key, mime) in zip(columns, FORMATS, strict=True):
        with column:
            st.download_button(
                t(label_key, ctx.lang), data=files[kind], file_name=f"{files['stem']}.{kind}",
                mime=mime, icon=":material/download:", width="stretch", on_click="ignore",
                key=f"export_{kind}",
            )
    st.download_button(
        t("page.export.zip", ctx.lang), data=files["zip"], file_name=f"{files['stem']}.zip",
        mime="application/zip", icon=":material/folder_zip:", on_click="ignore", key="export_zip",
        help=t("page.export.zip_help", ctx.lang))
else:
    st.caption(t("page.export.build_hint", ctx.lang))

st.caption(t("page.export.cli", ctx.lang))
st.code(cli_command(ctx.path, ctx.scope, ctx.lang, public, "pdf"), language="bash")

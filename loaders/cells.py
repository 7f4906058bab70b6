"""What a single text cell may hold, for every reader and writer of the product.

- Control characters (Unicode ``Cc`` other than tab, newline and carriage return) are
  removed from text cells when a dataset is read (the loader warns), and never written
  into a workbook (Excel's XML cannot hold them: openpyxl raises ``IllegalCharacterError``).
- Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return) is always written as text: in a workbook as a string cell with
  Excel's quote prefix, in a CSV with an apostrophe before every part that follows a
  separator (so a ``;`` locale does not split ``Hosp;=cmd`` into a live ``=cmd``).
- Excel's error values (``#N/A``, ``#REF!``...) are not data: the loader reports them.
- A cell longer than its kind allows (:func:`cell_limit`) is a row error: no value of the
  contract needs more, and the work done on a cell (locating a city, folding a name)
  stays bounded.
- A value that names a folder or a file (an institution id: ``publications/<id>/``) is one
  plain name (``is_safe_name``); the store builds every such path with
  ``datastore.paths.safe_child``.

>>> strip_controls("Seoul\\x0bNational")
'SeoulNational'
>>> csv_safe("Hosp;=cmd|' /C calc'!A0")
"Hosp;'=cmd|' /C calc'!A0"
"""

from __future__ import annotations

import re

# C0 controls except \t \n \r, DEL and the C1 controls (the pattern is also given to
# pandas, whose pyarrow strings use RE2: written with escapes both understand).
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
CONTROL_RE = re.compile(CONTROL_PATTERN)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula start at the beginning of the cell or right after a separator a spreadsheet
# may split on (, ; tab | and line breaks), spaces allowed in between.
_CSV_PART_RE = re.compile(r"(^|[,;\t|\r\n])([ ]*)(?=[=+\-@])")
EXCEL_ERRORS = frozenset({
    "#N/A", "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#N/A!",
})

# The most characters a cell may hold, by its contract kind (loaders.schema.Column.kind).
CELL_LIMITS = {
    "key": 200, "ref": 200, "refs": 10_000, "list": 2_000, "text": 2_000, "country": 100,
    "enum": 100, "currency": 100, "date": 100, "academic_year": 100, "int": 100,
    "amount": 100, "float": 100, "year": 100, "bool": 100,
}
CITY_LIMIT = 200  # a city is located in the gazetteer: its longest name has 193
EXTRA_LIMIT = 32_767  # a column outside the contract: what one Excel cell can hold
SHOWN_CHARS = 60  # a too-long value is shown by its first characters


def cell_limit(column: str, kind: str | None) -> int:
    """How many characters a cell of ``column`` (of contract ``kind``, None for a column
    outside the contract) may hold."""
    if kind is None:
        return EXTRA_LIMIT
    if column == "city":
        return CITY_LIMIT
    return CELL_LIMITS[kind]


def shortened(text: str) -> str:
    """A too-long value as a message shows it: its first :data:`SHOWN_CHARS` characters."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"



def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and line breaks are kept)."""
    return CONTROL_RE.sub("", text)


def control_names(text: str) -> str:
    """The control characters in ``text`` as code points: ``U+000B, U+001B``."""
    found = sorted({ch for ch in CONTROL_RE.findall(text)})
    return ", ".join(f"U+{ord(ch):04X}" for ch in found)


def is_excel_error(text: str) -> bool:
    return text.strip().upper() in EXCEL_ERRORS


def set_text_cell(cell, text: str):
    """Write ``text`` into an openpyxl cell as text: never a formula, never illegal XML."""
    text = strip_controls(text)
    cell.value = text
    # openpyxl makes a leading "=" a formula: force a string cell, and set Excel's quote
    # prefix so the text also stays text after someone edits the cell in Excel.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def csv_safe(text: str) -> str:
    """``text`` for a CSV download: an apostrophe before every part that starts a formula."""
    if not any(ch in text for ch in "=+-@"):
        return text
    if text.startswith(("\t", "\r")):
        text = "'" + text
    return _CSV_PART_RE.sub(lambda m: m.group(1) + m.group(2) + "'", text)


_UNSAFE_NAME_RE = re.compile(r'[/\\\x00-\x1f\x7f:*?"<>|]')
SAFE_NAME_MAX = 64


def is_safe_name(text: str, limit: int = SAFE_NAME_MAX) -> bool:
    """True when ``text`` can be one file or folder name: no separator (``/`` ``\\``), no
    control or Windows-reserved character (``: * ? " < > |``), not ``.``, ``..`` nor
    starting with a dot or a space, not ending with a space or a dot, 1 to ``limit``
    characters.

    >>> [is_safe_name(x) for x in ("samsmu", "Самарканд-1", "../../tmp/x", "..", ".env")]
    [True, True, False, False, False]
    """
    return (
        isinstance(text, str) and 0 < len(text) <= limit
        and not _UNSAFE_NAME_RE.search(text)
        and not text.startswith((".", " ")) and not text.endswith((" ", "."))
    )

"""Names vulture (``make deadcode``, part of ``make test``) reports as unused that are used
in ways it cannot see. A real dead name is removed, never listed here."""

# SQLAlchemy calls it on every new SQLite connection (``@event.listens_for``).
_sqlite_pragmas  # noqa
# pytest-xdist calls the hook and its scheduler the method (tests/conftest.py).
pytest_xdist_make_scheduler  # noqa
_split_scope  # noqa
# pytest calls it when the run starts (tests/conftest.py).
pytest_sessionstart  # noqa
# Parsed from an IIA file and kept on the object, for a reader of the plan.
iia_hash  # noqa
terms_before  # noqa
has_base  # noqa
# Public helpers of their modules, kept with their tests.
is_disabled  # noqa
holds_name  # noqa
as_dict  # noqa
dispose_all  # noqa
clear_cache  # noqa
to_json  # noqa
view_bounds  # noqa
deltas  # noqa
to_number  # noqa
to_enum  # noqa
to_list  # noqa
to_academic_year  # noqa
# Vocabularies stated once for readers and tests (docs/metrics.md, i18n).
PLURAL_CATEGORIES  # noqa
STATES  # noqa
AGGREGATES  # noqa
QUERY_KEYS  # noqa
FIX  # noqa
year_span  # noqa
# Attributes set for python-pptx, openpyxl, fpdf2 and Streamlit objects (read when they write).
_ = object()
_._validate  # noqa
_.agreement_expiry_unknown  # noqa
_.comments  # noqa
_.compress_type  # noqa
_.creator  # noqa
_.freeze_panes  # noqa
_.gap_width  # noqa
_.has_data_labels  # noqa
_.has_major_gridlines  # noqa
_.has_title  # noqa
_.include_in_layout  # noqa
_.inherit  # noqa
_.lastModifiedBy  # noqa
_.last_modified_by  # noqa
_.link_country  # noqa
_.link_irn  # noqa
_.margin_bottom  # noqa
_.margin_top  # noqa
_.minimum_scale  # noqa
_.number_format_is_linked  # noqa
_.overlap  # noqa
_.showErrorMessage  # noqa
_.slide_height  # noqa
_.slide_width  # noqa
_.student_country  # noqa
_.student_started  # noqa
_.subject  # noqa
_.vertical_anchor  # noqa
_.visit_country  # noqa
_.word_wrap  # noqa
_.space_after  # noqa
_.show_value  # noqa  (python-pptx: a series's data labels show their value)

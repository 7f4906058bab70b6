"""The report: one model (``build_report``) written as JSON, xlsx, pptx or pdf.

python -m report data --out report.json --as-of 2025-06-30 --institution samsmu
"""

from report.json_report import build_report

__all__ = ["build_report"]

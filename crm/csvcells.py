"""CSV cells a spreadsheet will not run. Every CSV the CRM writes (reports, the audit
trail, exports, the import's refused rows) passes its text cells through `safe_cell`."""

from __future__ import annotations

# Spreadsheets run a cell that starts like a formula; text from the database (a patient's
# name, a clinic, a note) must not become one. The quote makes it plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unguard_cell(text: str) -> str:
    """The text `safe_cell` guarded, as it was: a refused-rows file we wrote, corrected and
    imported again, must not gain a quote in front of every such cell."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


class Echo:
    """A file-like object whose write returns the line: csv.writer into a streamed response."""

    def write(self, value: str) -> str:
        return value

"""Reading an import file: UTF-8 with or without a byte-order mark, `,` or `;` between
cells (spreadsheets in much of Europe save with `;`), a header row naming the columns of
the intake form. Rows are read one at a time, so a large file is never all in memory as
Python objects."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from crm.csvcells import unguard_cell
from crm.inputs import clean_text

# The columns of the intake form, in the template's order (docs/import-template.csv).
COLUMNS = (
    "name",
    "email",
    "phone",
    "country",
    "language",
    "procedure",
    "clinic",
    "message",
    "preferred_channel",
    "consent_care",
    "consent_marketing",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referral_code",
    "source",
    "inquiry_date",
    "coordinator_email",
)
REQUIRED = ("name", "email", "country", "procedure")
# Other spellings people's exports use for the same columns.
ALIASES = {
    "full_name": "name",
    "patient": "name",
    "e_mail": "email",
    "phone_number": "phone",
    "telephone": "phone",
    "preferred_language": "language",
    "channel": "preferred_channel",
    "preferred_contact_channel": "preferred_channel",
    "consent_care_communication": "consent_care",
    "care_consent": "consent_care",
    "marketing_consent": "consent_marketing",
    "referral": "referral_code",
    "created": "inquiry_date",
    "created_at": "inquiry_date",
    "date": "inquiry_date",
    "inquiry_received_at": "inquiry_date",
    "coordinator": "coordinator_email",
}
# Added by the refused-rows file; ignored on the way back in, so a corrected refused file
# imports as it is.
REFUSED_EXTRA = ("refused_line", "refused_reason")
# A cell longer than this is a broken file (an unclosed quote swallowing lines).
MAX_CELL = 10_000


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class Row:
    line: int  # the spreadsheet's row number: the header is 1
    cells: dict[str, str]  # by column name, cleaned
    raw: list[str]  # as read, for the refused-rows file
    problem: str = ""  # a row that cannot be read at all (wrong number of cells)


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


class CsvFile:
    """An opened import file: `header` (as written), `columns` (our names) and `rows()`."""

    def __init__(self, stream: IO[bytes], *, max_bytes: int) -> None:
        self._stream = stream
        self._max_bytes = max_bytes
        head = stream.read(64 * 1024)
        if not head.strip():
            raise FileProblem("The file is empty.")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileProblem("The file is UTF-16: save it as “CSV UTF-8” and upload it again.")
        stream.seek(0)
        # utf-8-sig reads files with and without the byte-order mark alike; a byte that
        # is not UTF-8 stops the file with the line it is on (rows() below).
        self._physical = 0
        self._text = self._lines(io.BufferedReader(_Capped(stream, max_bytes)))
        first = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[0]
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        try:
            self.header = next(self._reader)
        except csv.Error as exc:
            raise FileProblem(f"The header row cannot be read: {exc}.") from None
        self.columns = [_column(clean_text(name)) for name in self.header]
        unknown = [
            name
            for name, col in zip(self.header, self.columns, strict=True)
            if col and col not in COLUMNS and col not in REFUSED_EXTRA
        ]
        if unknown:
            raise FileProblem(
                f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)} "
                "(docs/import-template.csv)."
            )
        missing = [col for col in REQUIRED if col not in self.columns]
        if missing:
            raise FileProblem(f"Missing column(s): {', '.join(missing)}.")
        repeated = {col for col in self.columns if col and self.columns.count(col) > 1}
        if repeated:
            raise FileProblem(f"Column(s) given twice: {', '.join(sorted(repeated))}.")

    def _lines(self, binary: IO[bytes]) -> Iterator[str]:
        """The file's lines as text, decoded one by one so that a byte that is not UTF-8
        is reported with its line (the byte-order mark, if any, is dropped)."""
        for raw in binary:
            self._physical += 1
            if self._physical == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(
                    f"Line {self._physical} of the file is not UTF-8 text: save the file as "
                    "“CSV UTF-8” and upload it again."
                ) from None

    def rows(self) -> Iterator[Row]:
        line = 1
        width = len(self.columns)
        while True:
            try:
                raw = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(f"Row {line + 1} cannot be read: {exc}.") from None
            line += 1
            if not any(cell.strip() for cell in raw):
                continue  # blank lines between rows are not rows
            if len(raw) > width and any(cell.strip() for cell in raw[width:]):
                yield Row(
                    line,
                    {},
                    raw,
                    f"{len(raw)} cells but the header has {width}: a {self.delimiter!r} "
                    "inside a cell needs the cell in double quotes",
                )
                continue
            if any(len(cell) > MAX_CELL for cell in raw):
                yield Row(line, {}, raw, f"a cell is longer than {MAX_CELL} characters")
                continue
            padded = raw + [""] * (width - len(raw))
            cells = {
                col: unguard_cell(clean_text(value))
                for col, value in zip(self.columns, padded, strict=False)
                if col in COLUMNS
            }
            yield Row(line, cells, raw)


class _Capped(io.RawIOBase):
    """A byte stream that refuses to go past the size cap (uploads and files on disk)."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        self._left -= len(data)
        if self._left < 0:
            raise FileProblem(
                "The file is larger than the import limit (IMPORT_MAX_BYTES): split it."
            )
        buffer[: len(data)] = data
        return len(data)

"""Contacts from CSV exports of Russian CRMs (Bitrix24, amoCRM, 1C, Excel), one verdict per row.

Every data row yields either an :class:`AcceptedRow` holding a valid ``ContactIn`` or a
:class:`RejectedRow` saying why, with stable codes the UI translates: nothing is dropped silently.
Blank rows are counted; columns that are not imported are listed, with the reason, in
:attr:`ContactsCsv.columns`.

Decisions:

- **Encoding** is decided before the first row: UTF-8 (BOM or not) if the whole file decodes, else
  Windows-1251 if the bytes read as Russian in it better than in any other Cyrillic code page
  (letter frequencies, word case shapes; :mod:`app.contacts_csv.russian`); anything else (UTF-16,
  KOI8-R, an .xlsx, random bytes) is a :class:`CsvError`, because a guessed encoding stores mojibake
  nobody notices until a call. Both checks stream the file in chunks.
- **Delimiter**: the one that splits the header into the most recognised columns; ``csv.Sniffer``
  breaks ties (on its own it is fooled by ``Иванов, Иван`` in a ``;`` file). Excel's ``sep=;`` line
  is honoured.
- **A row is all or nothing**: one bad value rejects the row and all of its problems are listed, so
  one round of fixes is enough. A phone already on an earlier row rejects the row as a duplicate
  (the first row wins) rather than letting an upsert by phone merge two people silently.
- **Text is kept verbatim** (markup, quotes, ``=formulas``, SQL-looking text): it is data, escaped
  where it is rendered or exported.
- **Row numbers** are the spreadsheet's (the header is row 1), so a user finds the row in Excel.

Typical use (the server's import)::

    with open_contacts_csv(path, default_region="RU", field_schema=schema) as rows:
        for result in rows:
            ...  # upsert result.contact, or add result to the report
    report(rows.summary, rows.columns)
"""

from app.contacts_csv.columns import Column, Target, header_key, map_columns
from app.contacts_csv.encoding import detect_encoding
from app.contacts_csv.errors import CsvError, FileCode, RowCode, RowIssue
from app.contacts_csv.reader import ContactsCsv, ImportSummary, RawRow, open_contacts_csv
from app.contacts_csv.rows import AcceptedRow, RejectedRow, RowResult
from app.contacts_csv.russian import reads_as_russian

__all__ = [
    "AcceptedRow",
    "Column",
    "ContactsCsv",
    "CsvError",
    "FileCode",
    "ImportSummary",
    "RawRow",
    "RejectedRow",
    "RowCode",
    "RowIssue",
    "RowResult",
    "Target",
    "detect_encoding",
    "header_key",
    "map_columns",
    "open_contacts_csv",
    "reads_as_russian",
]

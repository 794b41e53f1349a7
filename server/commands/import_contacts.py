"""``ringdesk-server import-contacts FILE.csv``: upsert contacts from a CRM export (UTF-8 or cp1251).

Prints every row that is not imported with the reason (and what an imported row lost, such as a phone
extension), the columns that are not imported, then a summary with the file's lines and rows, so that
every line of the file is accounted for. A row is named by its spreadsheet row, and by its lines in
the file when they differ (a quoted cell over several lines, Excel's ``sep=`` line): ``row 9 (line
10)``. A line a stray quote breaks is rejected on its own (``unbalanced_quote``) and the lines after it
are imported as rows. ``--report FILE`` also writes those lines as a CSV a user can open next to the
original in Excel. Exit status: 0 when the whole file was read (even with rejected rows: they are in
the report), 1 when the file cannot be imported or broke down mid-way (the rows before were imported;
importing the fixed file again is safe).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from server.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    load,
    open_database,
)


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "import-contacts",
        help="import contacts from a CSV file (upsert by phone)",
        description="Import contacts from a CSV file in UTF-8 or Windows-1251 (Excel, Bitrix24, amoCRM, "
        "1C exports): a contact whose phone is known is updated, others are added. Every row that is "
        "not imported is listed with the reason.",
    )
    parser.add_argument("file", metavar="FILE.csv", type=Path)
    parser.add_argument(
        "--report", metavar="REPORT.csv", type=Path, help="also write the rejected rows and warnings here"
    )
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args).settings
    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"{path}: no such file")

    from sqlalchemy.exc import SQLAlchemyError

    from app.contacts_csv import CsvError, RowIssue
    from server.contacts_import import Kind, import_contacts

    lines: list[tuple[int, str, str, str, str, str, str]] = []

    def report(kind: Kind, row: int, span: tuple[int, int], issue: RowIssue) -> None:
        where = f" [{issue.column}: {issue.value!r}]" if issue.column and issue.value is not None else ""
        first, last = span
        numbers = str(first) if first == last else f"{first}-{last}"
        located = "" if span == (row, row) else f" (line{'s' if first != last else ''} {numbers})"
        print(f"row {row}{located}: {kind}: {issue.code.value}: {issue.message}{where}")
        if args.report is not None:
            code, column, value = issue.code.value, issue.column or "", issue.value or ""
            lines.append((row, numbers, kind, code, column, value, issue.message))

    database = open_database(settings.database_url)
    try:
        result = import_contacts(
            database, path, default_region=settings.default_region, report=report, source=path.name
        )
    except CsvError as exc:
        raise CommandError(f"{path}: {exc}") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it: {exc.strerror}") from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CommandError(f"the import failed in the database ({reason}); importing again is safe") from None
    finally:
        database.dispose()

    for column in result.columns:
        if column.target is None:
            print(f'column {column.index + 1} "{column.header}": not imported ({column.note})')
    if args.report is not None:
        with args.report.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads it as UTF-8
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(["row", "line", "kind", "code", "column", "value", "message"])
            writer.writerows(lines)
    summary = result.summary
    rows = summary.accepted + summary.rejected + summary.blank
    print(
        f"{path.name}: {summary.lines} lines, {rows} rows "
        f"({summary.encoding}, delimiter {summary.delimiter!r}): "
        f"{result.stored} imported ({result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged), {result.rejected_total} rejected, {summary.blank} blank, "
        f"{summary.warnings + result.warnings} warnings"
    )
    if result.stopped is not None:
        print(
            f"the import stopped before the end of the file: {result.stopped} The rows before it were "
            "imported; fix the file and import it again (imported rows are updated, not duplicated)."
        )
        return EXIT_FAILED
    return EXIT_OK

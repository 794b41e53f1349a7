"""CSV import of contacts: encodings, delimiters, Russian headers, bad rows reported, nothing lost."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.contacts_csv import (
    AcceptedRow,
    CsvError,
    FileCode,
    ImportSummary,
    RejectedRow,
    RowCode,
    RowResult,
    open_contacts_csv,
    reads_as_russian,
)
from app.wire.contacts import FieldSchema
from tests.conftest import REPO

SAMPLES = REPO / "resources" / "samples"
HEADER = ["ФИО", "Телефон", "E-mail", "Город", "Дата рождения", "Сегмент"]


def read_all(
    source: Path | io.BytesIO, **options: object
) -> tuple[dict[int, RowResult], ImportSummary, list[tuple[str, str | None, str]]]:
    """Every verdict by row number, the summary and the column map of one file."""
    with open_contacts_csv(source, **options) as rows:  # type: ignore[arg-type]
        results = {result.row: result for result in rows}
        columns = [(c.header, c.target, c.note) for c in rows.columns]
        return results, rows.summary, columns


def csv_bytes(rows: Sequence[Sequence[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def accepted(result: RowResult) -> AcceptedRow:
    assert isinstance(result, AcceptedRow), result
    return result


def codes(result: RowResult) -> set[str]:
    assert isinstance(result, RejectedRow), result
    return {issue.code.value for issue in result.issues}


def test_utf8_sample_with_bom_every_row_accounted_for() -> None:
    results, summary, _ = read_all(SAMPLES / "contacts_utf8.csv")
    assert (summary.encoding, summary.delimiter, summary.complete) == ("utf-8-sig", ";", True)
    ivanov = accepted(results[2]).contact
    assert ivanov.name == "Иванов Иван Иванович"  # no BOM glued to the first header
    assert ivanov.phones == ["+79123456789"]
    assert ivanov.birthday is not None and ivanov.birthday.isoformat() == "1985-03-15"
    assert (ivanov.preferred_channel, ivanov.consent.call, ivanov.consent.marketing) == ("call", True, False)
    assert ivanov.consent.sms is None  # not recorded is not a refusal
    assert accepted(results[3]).contact.preferred_channel == "sms"
    assert accepted(results[4]).contact.time_zone == "Asia/Novosibirsk"  # from the 383 landline
    kuznetsova = accepted(results[5])
    assert kuznetsova.contact.phones == ["+79031112233", "+74951234567"]  # two numbers in one cell
    assert [w.code for w in kuznetsova.warnings] == [RowCode.EXTENSION_DROPPED]
    assert codes(results[6]) == {"bad_date"}  # 31.02.1980
    assert codes(results[7]) == {"missing_phone"}
    assert codes(results[8]) == {"bad_phone"}  # "не звонить"
    assert accepted(results[9]).contact.name == 'Соколова Елена "Лена"'
    assert accepted(results[10]).contact.name == "<script>alert('x')</script>"
    assert 11 not in results  # the blank row, counted below
    assert accepted(results[12]).contact.name == "Robert'); DROP TABLE contacts;--"
    assert codes(results[13]) == {"duplicate_phone"}  # same mobile as row 2, written differently
    assert accepted(results[14]).contact.time_zone == "Europe/Kaliningrad"
    assert codes(results[15]) == {"bad_date"}  # two-digit year
    assert accepted(results[16]).contact.phones == ["+442079460958"]
    assert codes(results[17]) == {"bad_email"}
    assert codes(results[18]) == {"bad_channel"}  # WhatsApp
    assert (summary.accepted, summary.rejected, summary.duplicates, summary.blank) == (9, 7, 1, 1)
    assert summary.accepted + summary.rejected + summary.blank == 17  # rows 2..18 of the file
    assert summary.rejected_by_code["bad_date"] == 2


def test_cp1251_sample_in_bitrix_layout() -> None:
    results, summary, columns = read_all(SAMPLES / "contacts_cp1251.csv")
    assert (summary.encoding, summary.delimiter) == ("cp1251", ";")
    assert ("Комментарий", None, "unknown") in columns  # reported, not silently dropped
    orlov = accepted(results[2]).contact
    assert orlov.name == "Орлов Николай Петрович"  # Фамилия Имя Отчество joined in Russian order
    assert orlov.phones == ["+79031112233", "+74957654321"]  # mobile and work columns
    assert orlov.time_zone == "Europe/Moscow"
    solovyov = accepted(results[4]).contact
    assert solovyov.name == "Соловьёв Артём"  # ё survives, the missing Отчество leaves no gap
    assert solovyov.time_zone == "Asia/Novosibirsk"  # the mobile says nothing; the 383 work line does
    assert codes(results[5]) == {"missing_phone"}
    assert codes(results[6]) == {"bad_phone"}
    assert codes(results[7]) == {"duplicate_phone"}
    assert "row 2" in results[7].issues[0].message  # type: ignore[union-attr]
    assert codes(results[8]) == {"bad_date"}  # 1982-02-29
    assert accepted(results[9]).contact.time_zone == "Asia/Vladivostok"  # a multi-line cell is one row
    assert codes(results[10]) == {"extra_cells"}  # an unquoted ; inside a comment
    assert (summary.accepted, summary.rejected, summary.blank) == (4, 5, 0)


ROWS = [
    HEADER,
    ["Петров Пётр", "+7 (912) 345-67-89", "petrov@mail.ru", "Омск", "01.02.1980", "Опт"],
    ["Иванова, Анна", "8 383 212 34 56", "", "Новосибирск", "1990-12-31", ""],
]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_delimiters_and_encodings_give_the_same_contacts(delimiter: str, encoding: str) -> None:
    results, summary, _ = read_all(csv_bytes(ROWS, delimiter=delimiter, encoding=encoding))
    assert (summary.delimiter, summary.encoding) == (delimiter, encoding)
    assert accepted(results[2]).contact.phones == ["+79123456789"]
    assert accepted(results[3]).contact.name == "Иванова, Анна"
    assert accepted(results[3]).contact.time_zone == "Asia/Novosibirsk"


def test_excel_sep_line_and_english_headers() -> None:
    text = "sep=,\r\nName,Mobile phone,Email,City,Birthday,Preferred channel,Time zone,Marketing consent\r\n"
    text += "John Smith,+44 20 7946 0958,john@example.co.uk,London,1975-12-24,e-mail,europe/london,no\r\n"
    results, summary, _ = read_all(io.BytesIO(text.encode()))
    john = accepted(results[2]).contact
    assert summary.delimiter == ","
    assert (john.name, john.preferred_channel, john.time_zone) == ("John Smith", "email", "Europe/London")
    assert john.consent.marketing is False


@pytest.mark.parametrize(
    ("cell", "iso"),
    [("15.03.1985", "1985-03-15"), ("5.3.1985", "1985-03-05"), ("1985-03-15", "1985-03-15"),
     ("15.03.1985 0:00:00", "1985-03-15"), ("15/03/1985", "1985-03-15")],
)  # fmt: skip
def test_birthday_forms(cell: str, iso: str) -> None:
    results, _, _ = read_all(csv_bytes([HEADER, ["А Б", "89123456789", "", "", cell, ""]]))
    birthday = accepted(results[2]).contact.birthday
    assert birthday is not None and birthday.isoformat() == iso


@pytest.mark.parametrize(
    "cell", ["31.02.1980", "05.05.05", "завтра", "1985.03.15", "15.03.2999", "01.01.1850"]
)
def test_bad_birthdays_reject_the_row(cell: str) -> None:
    results, _, _ = read_all(csv_bytes([HEADER, ["А Б", "89123456789", "", "", cell, ""]]))
    assert codes(results[2]) == {"bad_date"}
    issue = results[2].issues[0]  # type: ignore[union-attr]
    assert (issue.column, issue.value) == ("Дата рождения", cell)


def test_all_problems_of_a_row_are_listed_at_once() -> None:
    row = ["я" * 201, "8 912", "x@", "Москва", "32.13.2000", "Опт"]
    results, _, _ = read_all(csv_bytes([HEADER, row]))
    assert codes(results[2]) == {"bad_phone", "bad_date"}  # found while reading cells
    row[1], row[4] = "89123456789", ""
    results, _, _ = read_all(csv_bytes([HEADER, row]))
    assert codes(results[2]) == {"too_long", "bad_email"}  # found by the wire model


def test_missing_and_dash_phones() -> None:
    rows = [HEADER, ["Без телефона", "", "a@b.ru", "", "", ""], ["Прочерк", "-", "", "", "", ""]]
    results, _, _ = read_all(csv_bytes(rows))
    assert codes(results[2]) == codes(results[3]) == {"missing_phone"}


def test_text_is_kept_verbatim_including_markup_and_sql() -> None:
    schema = [FieldSchema(key="note", label_en="Note", label_ru="Примечание")]
    hostile = '<b>жирный</b> \'; DROP TABLE contacts;-- =1+1 "кавычки"'
    rows = [[*HEADER, "Примечание"], [hostile, "89123456789", "", hostile, "", hostile, hostile]]
    results, _, _ = read_all(csv_bytes(rows), field_schema=schema)
    contact = accepted(results[2]).contact
    assert contact.name == contact.city == contact.segment == hostile
    assert contact.custom == {"note": hostile}


def test_custom_fields_are_mapped_by_label_and_typed() -> None:
    schema = [
        FieldSchema(key="debt", label_en="Debt", label_ru="Долг", type="number"),
        FieldSchema(
            key="tier", label_en="Tier", label_ru="Уровень", type="choice", choices=["Gold", "Silver"]
        ),
        FieldSchema(key="visit", label_en="Visit", label_ru="Визит", type="date"),
        FieldSchema(key="vip", label_en="VIP", label_ru="ВИП", type="bool", required=True),
    ]
    header = ["Телефон", "Долг", "Уровень", "visit", "ВИП", "Что-то ещё"]
    rows = [
        header,
        ["89123456789", "1 234,50", "gold", "31.01.2025", "да", "x"],
        ["89123456780", "много", "Bronze", "", "", ""],
    ]
    results, _, columns = read_all(csv_bytes(rows), field_schema=schema)
    assert accepted(results[2]).contact.custom == {
        "debt": 1234.5,
        "tier": "Gold",
        "visit": "2025-01-31",
        "vip": True,
    }
    assert codes(results[3]) == {"bad_custom_field"}
    assert len(results[3].issues) == 3  # type: ignore[union-attr]  # debt, tier, required vip
    assert ("Что-то ещё", None, "unknown") in columns


def test_duplicate_columns_and_name_parts_next_to_a_full_name_are_reported() -> None:
    header = ["ФИО", "Фамилия", "Телефон", "Мобильный", "Город", "Город"]
    rows = [header, ["Иванов Иван", "Иванов", "89123456789", "8 (495) 123-45-67", "Москва", "Тула"]]
    results, _, columns = read_all(csv_bytes(rows))
    assert ("Фамилия", None, "superseded") in columns
    assert columns[5] == ("Город", None, "duplicate")
    contact = accepted(results[2]).contact
    assert (contact.name, contact.city) == ("Иванов Иван", "Москва")
    assert contact.phones == ["+79123456789", "+74951234567"]


def test_time_zone_column_wins_and_bad_zones_are_rejected() -> None:
    header = ["Телефон", "Часовой пояс"]
    rows = [header, ["8 (495) 123-45-67", "Asia/Yekaterinburg"], ["8 (495) 123-45-68", "МСК+2"]]
    results, _, _ = read_all(csv_bytes(rows))
    assert accepted(results[2]).contact.time_zone == "Asia/Yekaterinburg"
    assert codes(results[3]) == {"bad_time_zone"}
    results, _, _ = read_all(csv_bytes([["Телефон"], ["8 (495) 123-45-67"]]), derive_time_zone=False)
    assert accepted(results[2]).contact.time_zone is None


def test_foreign_numbers_follow_the_default_region() -> None:
    rows = [["Телефон"], ["020 7946 0958"], ["+7 912 345 67 89"]]
    results, _, _ = read_all(csv_bytes(rows), default_region="GB")
    assert accepted(results[2]).contact.phones == ["+442079460958"]
    assert accepted(results[3]).contact.phones == ["+79123456789"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("ФИО;Телефон\r\nИванов;89123456789\r\n".encode("utf-16"), FileCode.UTF16),
        ("ФИО;Телефон\r\nИванов;89123456789\r\n".encode("utf-16-le"), FileCode.BINARY),
        (b"PK\x03\x04\x14\x00\x06\x00", FileCode.XLSX),
        (b"", FileCode.EMPTY),
        (b"\r\n\r\n", FileCode.NO_HEADER),
        ("ФИО;Город\r\nИванов;Москва\r\n".encode(), FileCode.NO_PHONE_COLUMN),
    ],
)
def test_files_that_cannot_be_imported_are_a_clear_error(payload: bytes, code: FileCode) -> None:
    with pytest.raises(CsvError) as caught:
        open_contacts_csv(io.BytesIO(payload))
    assert caught.value.code == code
    assert str(caught.value)


@pytest.mark.parametrize("codec", ["koi8-r", "cp866", "iso8859-5", "mac-cyrillic"])
def test_other_cyrillic_encodings_are_refused_never_stored_as_mojibake(codec: str) -> None:
    payload = (SAMPLES / "contacts_cp1251.csv").read_bytes().decode("cp1251").encode(codec)
    with pytest.raises(CsvError, match="neither UTF-8 nor Windows-1251") as caught:
        open_contacts_csv(io.BytesIO(payload))
    assert caught.value.code == FileCode.UNKNOWN_ENCODING


def test_latin1_and_damaged_utf8_are_refused() -> None:
    latin = "Name;Phone\r\nMüller Jürgen;+49 30 1234567\r\nJosé Señor;+34 912 345 678\r\n".encode("latin-1")
    with pytest.raises(CsvError, match="neither"):
        open_contacts_csv(io.BytesIO(latin))
    damaged = (SAMPLES / "contacts_utf8.csv").read_bytes() + "Поздний;89120000000\r\n".encode("cp1251")
    with pytest.raises(CsvError, match="line 19"):
        open_contacts_csv(io.BytesIO(damaged))


def test_reads_as_russian_tells_1251_from_misread_text() -> None:
    russian = "Иванов Иван Иванович;Москва;Петрова Мария Сергеевна;Новосибирск;ИВАНОВ ИВАН"
    assert reads_as_russian(russian)
    assert reads_as_russian("ASCII only; no Cyrillic at all")
    assert not reads_as_russian(russian.encode("koi8-r").decode("cp1251"))
    assert not reads_as_russian(russian.upper().encode("koi8-r").decode("cp1251"))
    assert not reads_as_russian(russian.encode("utf-8").decode("cp1251", errors="replace"))


def test_a_callers_stream_stays_open_and_rows_stream_lazily() -> None:
    stream = csv_bytes([["Телефон"], *[[f"8912345{n:04d}"] for n in range(1000)]])
    with open_contacts_csv(stream) as rows:
        first = next(iter(rows))
        assert first.row == 2
        assert rows.summary.accepted == 1  # counted as they are produced
    assert not stream.closed
    assert not rows.summary.complete


def test_a_file_that_fails_to_open_leaves_the_callers_stream_open() -> None:
    stream = csv_bytes([["ФИО", "Город"], ["Иванов", "Москва"]])
    with pytest.raises(CsvError):
        open_contacts_csv(stream)
    assert not stream.closed
    stream.seek(0)  # still usable by its owner


def test_iterating_twice_is_an_error_and_close_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([["Телефон"], ["89123456789"]]).getvalue())
    rows = open_contacts_csv(path)
    assert [r.row for r in rows] == [2]
    with pytest.raises(RuntimeError):
        list(rows)
    rows.close()
    rows.close()

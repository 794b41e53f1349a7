"""Every physical line of a contacts CSV is accounted for: imported, rejected by its line number, blank
or the header. A stray opening quote costs its own line only; a valid multi-line cell stays one row."""

from __future__ import annotations

import io

import pytest

from app.contacts_csv import AcceptedRow, ImportSummary, RejectedRow, RowCode, open_contacts_csv

LINES = [
    "ФИО;Телефон;Город",  # 1
    "Иванов;89120000001;Москва",  # 2
    'Петров;89120000002;"Тула',  # 3: stray quote in the last column
    "Сидоров;89120000003;Пермь",  # 4
    "Козлов;89120000004;Уфа",  # 5
    'Орлова;"89120000005;Казань',  # 6: stray quote in a middle column
    "Белова;89120000006;Омск",  # 7
    '"Зуева',  # 8: a valid cell over two lines
    'Анна";89120000007;"Тверь"',  # 9
    '"Новиков ""Младший""";89120000008;Сочи',  # 10: quotes escaped as they should be
    'Морозов;"89120000009";Курск',  # 11
    'Лебедев;89120000010;"Орёл',  # 12: stray quote, then the end of the file
]
STRAY = {3, 6, 12}
NAMES = {
    2: "Иванов",
    4: "Сидоров",
    5: "Козлов",
    7: "Белова",
    8: "Зуева Анна",
    10: 'Новиков "Младший"',
    11: "Морозов",
}


def verdicts(
    text: str, encoding: str = "utf-8"
) -> tuple[list[AcceptedRow], list[RejectedRow], ImportSummary]:
    with open_contacts_csv(io.BytesIO(text.encode(encoding))) as rows:
        results = list(rows)
        summary = rows.summary
    accepted = [r for r in results if isinstance(r, AcceptedRow)]
    rejected = [r for r in results if isinstance(r, RejectedRow)]
    return accepted, rejected, summary


@pytest.mark.parametrize(
    ("newline", "encoding", "delimiter"),
    [("\r\n", "utf-8", ";"), ("\n", "cp1251", ";"), ("\r\n", "utf-8-sig", ","), ("\r", "utf-8", "\t")],
)
def test_a_stray_quote_costs_its_own_line_and_nothing_else(
    newline: str, encoding: str, delimiter: str
) -> None:
    text = newline.join(line.replace(";", delimiter) for line in LINES)  # no newline after the last line
    accepted, rejected, summary = verdicts(text, encoding)

    assert {r.lines[0]: r.contact.name for r in accepted} == NAMES
    assert [r.lines for r in rejected] == [(n, n) for n in sorted(STRAY)]
    for verdict in rejected:
        assert [issue.code for issue in verdict.issues] == [RowCode.UNBALANCED_QUOTE]
        assert f"line {verdict.lines[0]}" in verdict.issues[0].message
    zueva = next(r for r in accepted if r.contact.name == "Зуева Анна")
    assert zueva.lines == (8, 9)  # one record over two lines
    assert zueva.contact.city == "Тверь"
    covered = {1} | STRAY | {n for r in accepted for n in range(r.lines[0], r.lines[1] + 1)}
    assert covered == set(range(1, len(LINES) + 1))  # every line: header, imported or rejected
    assert (summary.accepted, summary.rejected, summary.lines) == (7, 3, len(LINES))
    # a stray quote's line keeps its spreadsheet row, and the rows after it keep theirs
    assert [r.row for r in rejected] == [3, 6, 11]


def test_a_quoted_cell_that_closes_mid_cell_is_a_stray_quote() -> None:
    """``"Тула`` opens a cell that the next line's ``"89...`` closes in the middle of a cell: the two
    lines are not one record, they are a broken line followed by a good one."""
    text = 'ФИО;Телефон;Город\r\nПетров;89120000002;"Тула\r\nСидоров;"89120000003";Пермь\r\n'
    accepted, rejected, _ = verdicts(text)
    assert [r.lines for r in rejected] == [(2, 2)]
    assert [(r.lines, r.contact.name, r.contact.city) for r in accepted] == [((3, 3), "Сидоров", "Пермь")]


def test_valid_multi_line_cells_stay_one_row() -> None:
    text = (
        "ФИО;Телефон;Город;Сегмент\r\n"
        '"Иванов\r\nИван\r\nИванович";"89120000001\r\n89120000002";Москва;VIP\r\n'
        'Петров;89120000003;"Санкт-\r\nПетербург";"Опт;\r\nрозница"\r\n'
        "Сидоров;89120000004;Тула;\r\n"
    )
    accepted, rejected, summary = verdicts(text)
    assert rejected == []
    assert [(r.lines, r.contact.name, r.contact.phones) for r in accepted] == [
        ((2, 5), "Иванов Иван Иванович", ["+79120000001", "+79120000002"]),
        ((6, 8), "Петров", ["+79120000003"]),
        ((9, 9), "Сидоров", ["+79120000004"]),
    ]
    assert [r.row for r in accepted] == [2, 3, 4]
    assert summary.lines == 9


def test_a_cell_too_large_to_read_rejects_its_line_and_the_import_goes_on() -> None:
    text = "ФИО;Телефон\r\nПервый;89120000001\r\n" + 'Второй;"' + "x" * 200_000 + "\r\nТретий;89120000003\r\n"
    accepted, rejected, summary = verdicts(text)
    assert [r.contact.name for r in accepted] == ["Первый", "Третий"]
    assert [(r.lines, r.issues[0].code) for r in rejected] == [((3, 3), RowCode.UNREADABLE)]
    assert summary.complete


def test_many_stray_quotes_stay_linear() -> None:
    """Each stray quote looks ahead only until the line that shows it is stray (and ``csv.Sniffer``,
    whose regular expressions took 14 s on such a file, sees only its first lines)."""
    import time

    lines = ["ФИО;Телефон;Город"] + [f'"Клиент {n};8912{n:07d};Город' for n in range(20_000)]
    started = time.process_time()
    accepted, rejected, summary = verdicts("\r\n".join(lines) + "\r\n")
    assert time.process_time() - started < 6.0
    assert (accepted, summary.rejected, summary.lines) == ([], 20_000, 20_001)
    assert rejected[-1].lines == (20_001, 20_001)


def test_excel_sep_line_and_blank_lines_are_counted_and_rows_keep_spreadsheet_numbers() -> None:
    """Excel hides its ``sep=;`` line, so rows are numbered from the header; lines count it."""
    text = 'sep=;\r\nФИО;Телефон\r\n\r\nИванов;89120000001\r\n"Петров;89120000002\r\nСидоров;89120000003\r\n'
    accepted, rejected, summary = verdicts(text)
    assert [(r.row, r.lines, r.contact.name) for r in accepted] == [
        (3, (4, 4), "Иванов"),
        (5, (6, 6), "Сидоров"),
    ]
    assert [(r.row, r.lines) for r in rejected] == [(4, (5, 5))]
    assert rejected[0].issues[0].column == "ФИО"  # the stray quote opens the first cell
    assert rejected[0].issues[0].value == '"Петров;89120000002'
    assert (summary.lines, summary.blank, summary.accepted, summary.rejected) == (6, 1, 2, 1)

"""Deciding a contacts CSV's encoding: genuine Windows-1251 exports are read whatever their words look
like (CamelCase brands, one long cell in capitals, initials, Ukrainian names); other Cyrillic code
pages, Western code pages and bytes that are not text are refused, never stored as mojibake."""

from __future__ import annotations

import io
import random

import pytest

from app.contacts_csv import AcceptedRow, CsvError, FileCode, detect_encoding, open_contacts_csv
from tests.conftest import REPO

SAMPLES = REPO / "resources" / "samples"


def lines(*rows: str) -> str:
    return "".join(f"{row}\r\n" for row in rows)


GENUINE = {
    "brands": lines(
        "ФИО;Телефон;Сегмент", "Иванов Иван;89120000001;МегаФон", "Петров Пётр;89120000002;СберБанк"
    ),
    "brands, English header": lines(
        "Name;Phone;Segment", "Ivan;89120000001;МегаФон", "Petr;89120000002;СберБанк"
    ),
    "only a brand": lines("Name;Phone", "МегаФон;89120000001"),
    "long CamelCase cell": lines("Name;Phone", "ТорговыйДомПромышленныеТехнологииЮгЗапад;89120000001"),
    "long cell in capitals": lines(
        "Name;Phone",
        "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ ТОРГОВЫЙ ДОМ ПРОМЫШЛЕННЫЕ ТЕХНОЛОГИИ;89120000001",
    ),
    "abbreviations in capitals": lines(
        "Организация;Телефон", "ГБУЗ МО ЦРБ ФГУП ГВСУ ЦФО МЧС РФ ЖКХ;89120000001"
    ),
    "a capitalised comment": lines(
        "ФИО;Телефон;Город", "Иванов Иван;89120000001;ПЕРЕЗВОНИТЬ ПОСЛЕ ОБЕДА, ПРОСИЛ НЕ БЕСПОКОИТЬ УТРОМ"
    ),
    "initials": lines(
        "ФИО;Телефон", "Иванов И. И.;89120000001", "Петров П. П.;89120000002", "Сидоров С. С.;89120000003"
    ),
    "a pangram": lines("Name;Phone", "Съешь же ещё этих мягких французских булок, да выпей чаю;89120000001"),
    "a pangram in capitals": lines(
        "Name;Phone", "СЪЕШЬ ЖЕ ЕЩЁ ЭТИХ МЯГКИХ ФРАНЦУЗСКИХ БУЛОК ДА ВЫПЕЙ ЧАЮ;89120000001"
    ),
    "one short word": lines("Phone;City", "89120000001;Уфа"),
    "Ukrainian names": lines("ПІБ;Телефон", "Олексій Іваненко;89120000001", "Євгенія Ґалаґан;89120000002"),
    "typographic quotes and dashes": lines("ФИО;Телефон", "«Рога и копыта» — Иванов №5…;89120000001"),
}


def contacts(payload: bytes) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    with open_contacts_csv(io.BytesIO(payload)) as rows:
        found = [r.contact for r in rows if isinstance(r, AcceptedRow)]
        return rows.encoding, [(c.name, c.city, c.segment) for c in found]


@pytest.mark.parametrize("name", GENUINE)
def test_genuine_windows_1251_is_read_and_round_trips(name: str) -> None:
    text = GENUINE[name]
    encoding, found = contacts(text.encode("cp1251"))
    assert encoding == "cp1251"
    # the same contacts as the file saved in UTF-8: every letter came back as written
    assert found == contacts(text.encode("utf-8"))[1]
    assert found


def test_the_brands_come_back_letter_for_letter() -> None:
    _, found = contacts(GENUINE["brands"].encode("cp1251"))
    assert found == [("Иванов Иван", None, "МегаФон"), ("Петров Пётр", None, "СберБанк")]


# a few words in capitals (or one word) say too little to tell KOI8-R or Mac Cyrillic from 1251, which
# is then assumed; the others say enough
LONG_ENOUGH = [name for name in GENUINE if name not in {"a pangram in capitals", "one short word"}]


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False  # e.g. Ukrainian letters in KOI8-R: not a file anyone can have
    return True


OTHER_PAGES = [
    (name, codec)
    for codec in ("koi8-r", "cp866", "iso8859-5", "mac-cyrillic")
    for name in LONG_ENOUGH
    if _encodable(GENUINE[name], codec)
]


@pytest.mark.parametrize(("name", "codec"), OTHER_PAGES)
def test_the_same_text_in_another_cyrillic_code_page_is_refused(name: str, codec: str) -> None:
    payload = GENUINE[name].encode(codec)
    with pytest.raises(CsvError) as caught:
        open_contacts_csv(io.BytesIO(payload))
    assert caught.value.code == FileCode.UNKNOWN_ENCODING  # some DOS 866 text also passes for damaged UTF-8


def _random(seed: int, size: int, low: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(size))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_random(1, 4000, 1), id="random bytes"),
        pytest.param(_random(2, 4000, 0x80), id="random high bytes"),
        pytest.param(_random(3, 40, 0x80), id="a few random high bytes"),
        pytest.param(b"Name;Phone\r\n" + _random(4, 200, 1).replace(b"\x00", b""), id="random, a header"),
        pytest.param(
            "Name;Phone\r\nMüller Jürgen;+49 30 1234567\r\nJosé Señor;+34 912 345 678\r\n".encode("latin-1"),
            id="Latin-1",
        ),
        pytest.param("Name;Phone\r\nMüller;+49 30 1234567\r\n".encode("latin-1"), id="one Latin-1 letter"),
        pytest.param(
            lines("Nom;Téléphone", "François Lefèvre;+33 1 23 45 67 89", "Hélène Gaël;+33 6 12").encode(
                "cp1252"
            ),
            id="Windows-1252",
        ),
    ],
)
def test_bytes_that_are_not_russian_text_are_refused(payload: bytes) -> None:
    with pytest.raises(CsvError) as caught:
        open_contacts_csv(io.BytesIO(payload))
    assert caught.value.code in {FileCode.UNKNOWN_ENCODING, FileCode.BINARY}
    if b"\x00" not in payload:
        assert caught.value.code == FileCode.UNKNOWN_ENCODING
        assert "(it looks like" not in str(caught.value)  # no made-up guess for garbage


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused(codec: str) -> None:
    with pytest.raises(CsvError) as caught:
        open_contacts_csv(io.BytesIO(GENUINE["brands"].encode(codec)))
    assert caught.value.code == FileCode.BINARY


def test_koi8_r_is_named_in_the_refusal() -> None:
    payload = (SAMPLES / "contacts_cp1251.csv").read_bytes().decode("cp1251").encode("koi8-r")
    with pytest.raises(CsvError, match=r"\(it looks like KOI8-R\)"):
        open_contacts_csv(io.BytesIO(payload))


def test_a_large_1251_file_is_judged_quickly() -> None:
    """The code-page check scores a bounded sample, however large the file (scoring all of these
    8 MB takes 11 s of CPU)."""
    import time

    rows = "".join(f"Клиент МегаФон {n};8912{n:07d};Москва\r\n" for n in range(200_000))
    payload = ("ФИО;Телефон;Город\r\n" + rows).encode("cp1251")
    started = time.process_time()
    assert detect_encoding(io.BytesIO(payload)) == "cp1251"
    assert time.process_time() - started < 3.0

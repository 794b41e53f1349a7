"""Re-import of a CRM export into a CRM-sized database, PostgreSQL, through ``ringdesk-server
import-contacts`` itself, each figure beside its floor measured in the same run.

The file is generated like a Russian CRM export: Windows-1251, ``;``-separated, Russian headers
(``ФИО;Телефон;Город;E-mail;Дата рождения``), Russian full names, and each number written in one of the
forms people use (``+7 (912) 345-67-89``, ``89123456789``, ``8 912 345 67 89``, ``7-912-345-67-89``,
``+79123456789``). Every row is valid and has its own number.

Three imports of the same file (:data:`ROWS` rows), each the wall time of the command as a user runs
it (a child process: interpreter start, migration check, reading, normalising and storing in
batches, the audit row):

1. **the floor**: into an empty, migrated database: every row a new contact, inserted in bulk.
2. **changed rows**: into a database holding :data:`STORED` contacts, the file's among them, each
   with another city (and, where the file has one, another e-mail): every row updates its contact.
3. **unchanged rows**: the same file once more: every row finds its contact as the file has it.

The stored contacts are written straight into the tables (``COPY``, the values an import of the
earlier export would have stored): importing a million rows first would triple the bench's time and
measure nothing new. The commands' output (the per-row report) goes to the log directory.

``python -m bench.server_import --rows 22000 --stored 100000`` runs it at another size.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from psycopg.types.json import Jsonb
from sqlalchemy import func, select, text

from bench.common import LOGS, BenchResult
from bench.server_common import postgres_missing
from server.db import Database
from server.migrate import upgrade
from server.models import Contact
from tests.server.live import run_cli
from tests.support.postgres import PostgresServer

NAME = "server_import"
ROWS = 220_000
STORED = 1_000_000
CHANGED_TARGET_S = 30.0
UNCHANGED_TARGET_S = 10.0
FLOOR = "import into an empty DB"
CODES = ("912", "916", "903", "926", "985", "999", "905", "915", "950", "977", "921", "961")
LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Фёдоров")
FIRST_M = ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Игорь", "Юрий", "Олег")
FIRST_F = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна")
MIDDLE = ("Александров", "Сергеев", "Дмитриев", "Андреев", "Николаев", "Викторов", "Петров")
CITIES = ("Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Пермь", "Уфа", "Самара")
DOMAINS = ("example.ru", "mail.example.ru")


@dataclass(frozen=True)
class Person:
    """One contact of the generated CRM, as a row of its export writes it and as the server stores it."""

    number: int
    name: str
    e164: str
    written: str
    """The number as the export writes it (one of five forms)."""
    city: str
    email: str
    """Empty for a third of the people: the cell is empty, the stored e-mail stays."""
    birthday: date


def _name(rng: random.Random) -> str:
    last, middle = rng.choice(LAST), rng.choice(MIDDLE)
    if rng.random() < 0.5:
        return f"{last} {rng.choice(FIRST_M)} {middle}ич"
    return f"{last}а {rng.choice(FIRST_F)} {middle}на"


def _written(code: str, rest: str, form: int) -> str:
    return (
        f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}",
        f"8{code}{rest}",
        f"8 {code} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"7-{code}-{rest[:3]}-{rest[3:5]}-{rest[5:]}",
        f"+7{code}{rest}",
    )[form]


def people(count: int, *, variant: int = 0) -> Iterator[Person]:
    """The first ``count`` people of the CRM. Names, numbers and birthdays are the same in every
    ``variant``; the city (and a non-empty e-mail) differs between two variants for every person, as
    in the export of a CRM where they all moved since the last one."""
    rng = random.Random(220)
    for i in range(1, count + 1):
        name = _name(rng)
        code, rest = CODES[i % len(CODES)], f"{(i // len(CODES)) * 37 % 10_000_000:07d}"
        written = _written(code, rest, rng.randrange(5))
        city = CITIES[(rng.randrange(len(CITIES)) + variant) % len(CITIES)]
        birthday = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        email = f"client{i}@{DOMAINS[variant % len(DOMAINS)]}" if i % 3 else ""
        yield Person(i, name, f"+7{code}{rest}", written, city, email, birthday)


def write_csv(path: Path, rows: int, *, variant: int = 0) -> None:
    """A cp1251 CRM export of the first ``rows`` people (see the module docstring)."""
    with path.open("w", encoding="cp1251", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["ФИО", "Телефон", "Город", "E-mail", "Дата рождения"])
        for p in people(rows, variant=variant):
            writer.writerow([p.name, p.written, p.city, p.email, f"{p.birthday:%d.%m.%Y}"])


def seed_contacts(url: str, count: int, *, variant: int = 0) -> None:
    """Store the first ``count`` people as an import of their export would have (ids 1..count,
    version 1, no zone: the numbers are mobiles), with ``COPY``, then ``ANALYZE``."""
    database = Database.connect(url, pooled=False)
    now = datetime.now(UTC)
    try:
        with database.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor:
                columns = "id, name, birthday, city, email, custom_fields, version, created_at, updated_at"
                with cursor.copy(f"COPY contacts ({columns}) FROM STDIN") as copy:
                    empty = Jsonb({})
                    for p in people(count, variant=variant):
                        copy.write_row(
                            (p.number, p.name, p.birthday, p.city, p.email or None, empty, 1, now, now)
                        )
                with cursor.copy("COPY contact_phones (contact_id, e164, position) FROM STDIN") as copy:
                    for p in people(count, variant=variant):
                        copy.write_row((p.number, p.e164, 0))
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('contacts', 'id'), :n)"), {"n": count}
            )
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('contact_phones', 'id'), :n)"), {"n": count}
            )
            connection.commit()
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    finally:
        database.dispose()


def _migrated(pg: PostgresServer, name: str) -> str:
    url = pg.create_database(name)
    database = Database.connect(url, pooled=False)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    return url


def _count(url: str) -> int:
    database = Database.connect(url, pooled=False)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Contact)) or 0
    finally:
        database.dispose()


COMPILED = {"PYTHONDONTWRITEBYTECODE": ""}
"""The command runs from compiled modules, as an installed server does (pip writes them): a
``PYTHONDONTWRITEBYTECODE`` inherited from a developer's shell would have it compile ~60 modules of
ours on every run. The first run of the bench (the fixed start's) writes them."""


@dataclass(frozen=True)
class Run:
    """One ``import-contacts``: its wall time and its summary line."""

    seconds: float
    summary: str


def _import(path: Path, url: str, log: Path) -> Run:
    """Run ``import-contacts`` on ``path`` (output in ``log``)."""
    started = time.monotonic()
    proc = run_cli(["import-contacts", str(path), "--db", url], env=COMPILED, timeout=900)
    elapsed = time.monotonic() - started
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"import-contacts exited with {proc.returncode}: {proc.stderr[-500:]}")
    lines = proc.stdout.strip().splitlines()
    return Run(elapsed, lines[-1] if lines else "")


def run(log_dir: Path, *, rows: int = ROWS, stored: int = STORED) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with tempfile.TemporaryDirectory(prefix="ringdesk-bench-import-") as tmp, PostgresServer() as pg:
        path = Path(tmp) / "contacts.csv"
        write_csv(path, rows, variant=1)
        empty_url = _migrated(pg, "ringdesk_empty")
        url = _migrated(pg, "ringdesk_bench")
        started = time.monotonic()
        seed_contacts(url, stored, variant=0)
        seed_s = time.monotonic() - started
        header = Path(tmp) / "header.csv"
        header.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")
        _import(header, url, log_dir / "server-import-start.log")  # writes the compiled modules
        start = _import(header, url, log_dir / "server-import-start.log")
        floor = _import(path, empty_url, log_dir / "server-import-empty.log")
        changed = _import(path, url, log_dir / "server-import-changed.log")
        unchanged = _import(path, url, log_dir / "server-import-unchanged.log")
        counts = (_count(empty_url), _count(url))
    size = f"{rows:,} rows into {stored:,} contacts"
    result.add("the command's fixed start (a file of its header only)", round(start.seconds, 2), "s")
    result.add(f"{FLOOR}: {rows:,} CSV rows (cp1251, mixed +7 forms)", round(floor.seconds, 1), "s")
    result.add_vs_floor(
        f"re-import, {size}, every row changed",
        round(changed.seconds, 1),
        "s",
        round(floor.seconds, 1),
        FLOOR,
        limit=CHANGED_TARGET_S,
    )
    result.add_vs_floor(
        f"re-import, {size}, every row unchanged",
        round(unchanged.seconds, 1),
        "s",
        round(floor.seconds, 1),
        FLOOR,
        limit=UNCHANGED_TARGET_S,
    )
    result.add("changed rows per second", round(rows / changed.seconds), "rows/s")
    result.add("contacts stored after the re-imports", counts[1], "")
    result.details = {
        "rows": rows,
        "stored": stored,
        "seed_seconds": round(seed_s, 1),
        "start_seconds": round(start.seconds, 2),
        "empty": {"seconds": round(floor.seconds, 2), "summary": floor.summary},
        "changed": {"seconds": round(changed.seconds, 2), "summary": changed.summary},
        "unchanged": {"seconds": round(unchanged.seconds, 2), "summary": unchanged.summary},
    }
    expected = {
        "empty": (floor, f"({rows} new, 0 updated, 0 unchanged), 0 rejected"),
        "changed": (changed, f"(0 new, {rows} updated, 0 unchanged), 0 rejected"),
        "unchanged": (unchanged, f"(0 new, 0 updated, {rows} unchanged), 0 rejected"),
    }
    for what, (done, verdicts) in expected.items():
        if verdicts not in done.summary:
            result.notes.append(f"the {what} import did not report {verdicts}: {done.summary}")
    if counts != (rows, stored):
        result.notes.append(
            f"contacts stored {counts}, expected {(rows, stored)}: see logs/server-import-*.log"
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows in the file")
    parser.add_argument("--stored", type=int, default=STORED, help="contacts stored before the re-import")
    args = parser.parse_args(argv)
    LOGS.mkdir(parents=True, exist_ok=True)
    result = run(LOGS, rows=args.rows, stored=args.stored)
    for figure in result.figures:
        beside = f"  (floor {figure.floor:g} {figure.unit}, x{figure.ratio:.2f})" if figure.ratio else ""
        verdict = "" if figure.ok is None else ("  ok" if figure.ok else "  MISSED")
        print(f"{figure.name}: {figure.value:g} {figure.unit}{beside}  {figure.target}{verdict}")
    for note in result.notes:
        print(f"note: {note}")
    print(result.details)
    return 0 if result.status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())

"""Import of 220,000 CSV rows, PostgreSQL, through ``ringdesk-server import-contacts`` itself.

The file is generated like a Russian CRM export: Windows-1251, ``;``-separated, Russian headers
(``ФИО;Телефон;Город;E-mail;Дата рождения``), Russian full names, and each number written in one of the
forms people use (``+7 (912) 345-67-89``, ``89123456789``, ``8 912 345 67 89``, ``7-912-345-67-89``,
``+79123456789``). Every row is valid and has its own number, so all 220,000 become new contacts.

The figure is the wall time of the command as a user runs it (a child process: interpreter start,
migration check, reading, normalising and upserting in batches, the audit row), into an empty,
migrated database. A second figure (no target) imports the same file again: every row then finds its
contact and changes nothing, the other half of "upsert by phone". The command's output (the per-row
report) goes to the log directory.
"""

from __future__ import annotations

import csv
import random
import re
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.common import BenchResult
from bench.server_common import migrated_postgres, postgres_missing
from server.db import Database
from server.models import Contact
from tests.server.live import run_cli

NAME = "server_import"
ROWS = 220_000
TARGET_S = 30.0
CODES = ("912", "916", "903", "926", "985", "999", "905", "915", "950", "977", "921", "961")
LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Фёдоров")
FIRST_M = ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Игорь", "Юрий", "Олег")
FIRST_F = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна")
MIDDLE = ("Александров", "Сергеев", "Дмитриев", "Андреев", "Николаев", "Викторов", "Петров")
CITIES = ("Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Пермь", "Уфа", "Самара")


def _name(rng: random.Random) -> str:
    last, middle = rng.choice(LAST), rng.choice(MIDDLE)
    if rng.random() < 0.5:
        return f"{last} {rng.choice(FIRST_M)} {middle}ич"
    return f"{last}а {rng.choice(FIRST_F)} {middle}на"


def _phone(i: int, rng: random.Random) -> str:
    code = CODES[i % len(CODES)]
    rest = f"{(i // len(CODES)) * 37 % 10_000_000:07d}"
    forms = (
        f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}",
        f"8{code}{rest}",
        f"8 {code} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"7-{code}-{rest[:3]}-{rest[3:5]}-{rest[5:]}",
        f"+7{code}{rest}",
    )
    return rng.choice(forms)


def write_csv(path: Path, rows: int) -> None:
    """A cp1251 CRM export of ``rows`` contacts with distinct numbers (see the module docstring)."""
    rng = random.Random(220)
    with path.open("w", encoding="cp1251", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["ФИО", "Телефон", "Город", "E-mail", "Дата рождения"])
        for i in range(1, rows + 1):
            birthday = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2004)}"
            email = f"client{i}@example.ru" if i % 3 else ""
            writer.writerow([_name(rng), _phone(i, rng), rng.choice(CITIES), email, birthday])


def _import(path: Path, url: str, log: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``import-contacts`` on ``path``: its wall time and the finished process (output in ``log``)."""
    started = time.monotonic()
    proc = run_cli(["import-contacts", str(path), "--db", url], timeout=300)
    elapsed = time.monotonic() - started
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise RuntimeError(f"import-contacts exited with {proc.returncode}: {proc.stderr[-500:]}")
    return elapsed, proc


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with (
        tempfile.TemporaryDirectory(prefix="ringdesk-bench-import-") as tmp,
        migrated_postgres() as (_pg, url),
    ):
        path = Path(tmp) / "contacts.csv"
        write_csv(path, ROWS)
        elapsed, proc = _import(path, url, log_dir / "server-import.log")
        again_s, again = _import(path, url, log_dir / "server-import-again.log")
        database = Database.connect(url, pooled=False)
        try:
            with database.session() as session:
                stored = session.scalar(select(func.count()).select_from(Contact)) or 0
        finally:
            database.dispose()
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    rejected = re.search(r"(\d+) rejected", summary)
    result.add(f"import of {ROWS:,} CSV rows (cp1251, mixed +7 forms)", round(elapsed, 1), "s", TARGET_S)
    result.add("rows per second", round(ROWS / elapsed), "rows/s")
    result.add("the same file again (every row unchanged)", round(again_s, 1), "s")
    result.add("contacts stored", stored, "")
    result.add("rows rejected", int(rejected.group(1)) if rejected else -1, "")
    again_summary = again.stdout.strip().splitlines()[-1] if again.stdout.strip() else ""
    result.details = {
        "rows": ROWS,
        "seconds": round(elapsed, 2),
        "summary": summary,
        "again_seconds": round(again_s, 2),
        "again_summary": again_summary,
    }
    if stored != ROWS:
        result.notes.append(f"{stored} contacts stored from {ROWS} rows: see logs/server-import.log")
    if f"(0 new, 0 updated, {ROWS} unchanged)" not in again_summary:
        result.notes.append(f"the second import did not find every row unchanged: {again_summary}")
    return result

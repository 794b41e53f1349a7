"""Contact lookup by phone, in-process, on PostgreSQL holding 1,000,000 contacts.

What is timed is what ``GET /contacts/lookup`` does below HTTP: :func:`app.phones.lookup_keys` on the
number as written, then :func:`server.crud.contacts.find_by_phone` in a fresh session, including the
contact's phones (loaded with it: the call card shows them). 1,000 lookups of random existing numbers,
each written in one of the forms people and PBXs use (``+7 (912) 345-67-89``, ``89123456789``, ``8 912
345 67 89``, ``sip:+79123456789@pbx``), after 20 unmeasured warm-up lookups.

The contacts are bulk-loaded by ``INSERT ... SELECT FROM generate_series`` straight into the migrated
schema (indexes in place, as in production), then ``ANALYZE``. Numbers are unique Russian mobiles over
twelve operator codes.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from sqlalchemy import text

from app import phones
from bench.common import BenchResult, percentile
from bench.server_common import migrated_postgres, postgres_missing
from server.crud.contacts import find_by_phone
from server.db import Database

NAME = "server_lookup"
CONTACTS = 1_000_000
LOOKUPS = 1000
WARMUP = 20
TARGET_P95_MS = 5.0
#: Valid Russian mobile codes (``phonenumbers``); contact i gets CODES[i % 12] and a unique 7-digit rest.
CODES = ("912", "916", "903", "926", "985", "999", "905", "915", "950", "977", "921", "961")


def number_of(i: int) -> str:
    """The E.164 number of contact ``i`` (1-based), as the SQL below generates it."""
    return f"+7{CODES[i % len(CODES)]}{(i // len(CODES)) * 37 % 10_000_000:07d}"


def written(e164: str, rng: random.Random) -> str:
    """``e164`` (+7XXXXXXXXXX) written the way a person, a CRM or a PBX might."""
    d = e164[2:]
    forms = (
        f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
        f"8{d}",
        f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}",
        f"sip:{e164}@pbx.local",
        e164,
    )
    return rng.choice(forms)


def _load(database: Database, count: int) -> None:
    codes = "ARRAY[" + ",".join(f"'{c}'" for c in CODES) + "]"
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (name, city, segment) "
                "SELECT 'Контакт ' || g, (ARRAY['Москва','Пермь','Казань','Омск'])[1 + g % 4], "
                "(ARRAY['retail','vip','b2b'])[1 + g % 3] FROM generate_series(1, :n) AS g"
            ),
            {"n": count},
        )
        # Ids come from a fresh sequence, so contact id g got number_of(g).
        conn.execute(
            text(
                f"INSERT INTO contact_phones (contact_id, e164, position) "
                f"SELECT id, '+7' || ({codes})[1 + id % {len(CODES)}] "
                f"|| lpad(((id / {len(CODES)}) * 37 % 10000000)::text, 7, '0'), 0 FROM contacts"
            )
        )
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE contacts, contact_phones"))


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    rng = random.Random(3)
    with migrated_postgres() as (_pg, url):
        database = Database.connect(url)
        try:
            started = time.monotonic()
            _load(database, CONTACTS)
            load_s = time.monotonic() - started
            with database.engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM contact_phones")).scalar_one()
            if stored != CONTACTS:
                raise RuntimeError(f"loaded {stored} numbers, expected {CONTACTS}")
            timings: list[float] = []
            for n in range(WARMUP + LOOKUPS):
                i = rng.randint(1, CONTACTS)
                query = written(number_of(i), rng)
                t0 = time.perf_counter()
                with database.session() as session:
                    contact = find_by_phone(session, e164s=phones.lookup_keys(query, "RU"))
                    found = contact is not None and [p.e164 for p in contact.phones]
                elapsed = time.perf_counter() - t0
                if not found or found[0] != number_of(i):
                    raise RuntimeError(f"lookup of {query!r} found {found!r}, expected contact {i}")
                if n >= WARMUP:
                    timings.append(elapsed * 1000)
        finally:
            database.dispose()
    label = f"({CONTACTS:,} contacts)"
    result.add(f"lookup p50 {label}", round(percentile(timings, 50), 3), "ms")
    result.add(f"lookup p95 {label}", round(percentile(timings, 95), 3), "ms", TARGET_P95_MS)
    result.add(f"lookup max {label}", round(max(timings), 3), "ms")
    result.add(f"bulk load of {CONTACTS:,} contacts + phones (setup)", round(load_s, 1), "s")
    result.details = {"contacts": CONTACTS, "lookups": LOOKUPS, "warmup": WARMUP, "load_s": round(load_s, 2)}
    return result

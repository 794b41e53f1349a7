"""``calls.caller_ids``: queue -> caller ID pairs for outbound calls, and the INVITE header a queue's
call carries (the sipp proof is ``tests/e2e/test_caller_id.py``)."""

from __future__ import annotations

import pytest

from app.workstation.config import WorkstationConfig, caller_ids_of, parse_caller_ids


def test_pairs_are_read_and_a_queue_gets_its_header() -> None:
    ids = parse_caller_ids(" sales=+74951234567 , support = +74957654321,")
    assert ids == {"sales": "+74951234567", "support": "+74957654321"}
    config = WorkstationConfig("op", caller_ids=ids)
    assert config.caller_id_headers("sales") == (("P-Asserted-Identity", "<tel:+74951234567>"),)
    assert config.caller_id_headers("lens") == ()
    assert config.caller_id_headers(None) == ()
    assert parse_caller_ids("") == {}


@pytest.mark.parametrize("text", ["sales", "sales=", "=+7495", "sales=+7 495", "sales=<sip:x>"])
def test_a_typo_is_refused_by_name_and_the_desktop_sends_none(text: str) -> None:
    with pytest.raises(ValueError, match="queue=number"):
        parse_caller_ids(text)
    assert caller_ids_of(text) == {}

"""The whole way of a recording with real parts (issue 18): the real telephony service records a real
sipp call, the desktop's outbox uploads the file to a live server, and the team lead fetches it back
(the play audited) and hears the caller on the left and the operator's 440 Hz on the right. (Another
team's lead being refused is tests/server/test_recordings.py.)"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from app.store.database import open_store
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.wire.recordings import Pause, RecordingIn
from tests.audio import pulse
from tests.engine.test_call_audio import audio_phone
from tests.engine.test_call_recording import tone_share
from tests.support.phone import Phone
from tests.support.sipp import Sipp, pcap_play_available, sipp_available
from tests.sync.conftest import Running
from tests.sync.server import PASSWORD, SyncServer, prepare_database

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not sipp_available(), reason="sipp is not installed"),
    pytest.mark.skipif(bool(pulse.missing_tools()), reason=pulse.missing_tools() or "-"),
    pytest.mark.skipif(not pcap_play_available(), reason="sipp cannot play pcaps here (no raw sockets)"),
]
StartPhone = Callable[..., Phone]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SyncServer]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    prepare_database(url)
    env = {"RINGDESK_RECORDINGS_DIR": str(tmp_path / "server-recordings")}
    with SyncServer(url, tmp_path / "server.log", extra_env=env) as live:
        yield live


def _token(base_url: str, name: str) -> str:
    answer = httpx.post(f"{base_url}/auth/login", json={"name": name, "password": PASSWORD}, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_a_recorded_call_reaches_the_server_and_plays_back_to_the_team_lead(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, server: SyncServer, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, pulse_server)
    path = tmp_path / "desk" / "recordings" / "call.ogg"
    caller = Sipp("uac_audio.xml", target, service="1001", timeout=30, variables={"hold_ms": "4000"})
    caller.start()
    active = phone.wait_for(ev.CallStateChanged, lambda e: e.state is ev.CallState.ACTIVE, timeout=15)
    phone.send(cmd.StartRecording(call_id=active.call_id, path=str(path)))
    assert caller.wait(30).ok
    done = phone.wait_for(ev.RecordingChanged, lambda e: e.state is ev.RecordingState.FINISHED, timeout=20)
    original = path.read_bytes()

    store = open_store(tmp_path / "desk" / "ringdesk.sqlite3")
    recording = RecordingIn(
        call_id="e2e-call@pbx",
        queue="sales",
        started_at=datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
        seconds=done.seconds,
        size=done.size,
        sha256=done.sha256,
        pauses=[Pause(start=a, end=b) for a, b in done.pauses],
    )

    async def upload() -> None:
        async with Running(store, server.base_url) as running:
            running.outbox.add_recording("operator1", recording, str(path))
            await running.flushed(60)

    asyncio.run(upload())
    store.close()
    assert not path.exists()  # handed over: the PC keeps no copy

    lead = {"Authorization": f"Bearer {_token(server.base_url, 'lead')}"}
    [found] = httpx.get(
        f"{server.base_url}/recordings", params={"call_id": "e2e-call@pbx"}, headers=lead
    ).json()
    audio = httpx.get(f"{server.base_url}/recordings/{found['id']}/audio", headers=lead, timeout=10)
    assert audio.status_code == 200 and audio.content == original
    assert hashlib.sha256(audio.content).hexdigest() == done.sha256
    fetched = tmp_path / "fetched.ogg"
    fetched.write_bytes(audio.content)
    with sf.SoundFile(fetched) as f:
        stereo = f.read(dtype="int16")
    left, right = stereo[:, 0], stereo[:, 1]
    assert pulse.loud_seconds([int(v) for v in left]) > 1.5  # the caller's speech
    loud_right = np.array(pulse.loud_part([int(v) for v in right]))
    assert tone_share(loud_right, 440.0) > 0.9  # the operator's microphone
    plays = httpx.get(f"{server.base_url}/recordings/{found['id']}/plays", headers=lead).json()
    assert [p["user"] for p in plays] == ["lead"]

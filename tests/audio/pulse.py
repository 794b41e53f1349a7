"""A private PulseAudio server as a test "headset", plus recording and signal measurements.

Why private: the tests must never touch a developer's real sound session, and must work as root in CI.
Each ``PulseServer`` runs its own ``pulseaudio`` (not daemonised, so we hold its PID) with every runtime,
state and config path, and ``HOME``, inside one temporary directory, and clients reach it only through
``PULSE_SERVER`` pointing at its socket. It starts with a null sink ``headset`` (whose ``headset.monitor``
records what was played) and a microphone ``mic`` that hears a steady 440 Hz tone.

Why the microphone is not ``module-sine-source``: that module has a fixed 2 s latency and posts its audio
in 2 s bursts, which no real microphone does; an input stream of its own (the bridge's) then gets 100
blocks at once every 2 s and its 120 ms ring drops most of them. Instead ``module-sine`` plays the tone
into a second null sink ``micsink``, clocked apart from ``headset`` like a real microphone, and
``module-remap-source`` turns its monitor into the ordinary source ``mic`` (monitors are not offered as
microphones), which delivers 20 ms blocks on time.

Used by the pytest fixture (conftest.py) and by the scenario script that runs the bridge in a child process.
Standard library only.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import time
import wave
from array import array
from pathlib import Path

RATE = 16000
CLIENT_VARS = ("XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH", "PULSE_STATE_PATH", "HOME", "PULSE_SERVER")


def missing_tools() -> str:
    """Why the PulseAudio tests cannot run here, or "" when they can."""
    if shutil.which("pulseaudio") is None:
        return "pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)"
    if shutil.which("pactl") is None or shutil.which("parec") is None:
        return "pactl/parec are not installed (apt-get install pulseaudio-utils)"
    return ""


def client_env(root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a client of the server rooted at ``root`` (no inherited Pulse routing)."""
    env = dict(os.environ if base is None else base)
    for key in ("PULSE_SINK", "PULSE_SOURCE", "PULSE_COOKIE", "PULSE_PROP"):
        env.pop(key, None)
    env.update(
        XDG_RUNTIME_DIR=str(root),
        PULSE_RUNTIME_PATH=str(root / "pulse"),
        PULSE_STATE_PATH=str(root / "state"),
        HOME=str(root),
        PULSE_SERVER=f"unix:{root / 'pulse' / 'native'}",
    )
    return env


class PulseServer:
    """One private PulseAudio daemon; ``start`` then ``stop`` (which kills it by PID)."""

    def __init__(self, root: Path, tone_hz: float = 440.0) -> None:
        """``tone_hz``: what the microphone hears (several parties of one test each get their own)."""
        self.root = root
        self.tone_hz = tone_hz
        self.env = client_env(root)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root / "pulseaudio.log"

    def start(self, timeout: float = 10.0) -> None:
        for sub in ("pulse", "state"):
            (self.root / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        cmd = [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--realtime=no",
            "--high-priority=no",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=headset",
            "--load=module-null-sink sink_name=micsink",
            f"--load=module-sine sink=micsink frequency={self.tone_hz:g}",
            "--load=module-remap-source master=micsink.monitor source_name=mic",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pulseaudio exited: {self.log.read_text(errors='replace')[-2000:]}")
            if self.pactl_ok("info"):
                self.pactl("set-default-sink", "headset")
                self.pactl("set-default-source", "mic")
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("pulseaudio did not answer within the timeout")

    def stop(self) -> None:
        """Terminate the daemon we started (by its PID), then kill it if it lingers."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def pactl(self, *args: str) -> str:
        done = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def pactl_ok(self, *args: str) -> bool:
        try:
            self.pactl(*args)
        except (RuntimeError, subprocess.SubprocessError):
            return False
        return True


class Recording:
    """``parec`` from one PulseAudio source (e.g. ``headset.monitor``) into a 16 kHz mono WAV file."""

    def __init__(self, env: dict[str, str], source: str, path: Path, latency_ms: int | None = None) -> None:
        """``latency_ms``: ask the source for small blocks, so that a sample's place in the file tells
        when it was played (a null sink's monitor otherwise hands out up to 2 s at once)."""
        self.path = path
        self.started = time.monotonic()
        self.stopped = 0.0
        self.proc = subprocess.Popen(
            [
                "parec",
                *([f"--latency-msec={latency_ms}"] if latency_ms else []),
                "-d",
                source,
                "--file-format=wav",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                str(path),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # same process group as its parent, so killing a stuck scenario's group ends it too

    def recorded_s(self) -> float:
        """Seconds of audio written so far (the WAV header is only completed at the end)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return 0.0
        return max(0, size - 44) / 2 / RATE

    def wait_until_covered(self, seconds: float, timeout: float = 15.0) -> None:
        """Until the file holds ``seconds`` of audio from its start: a null sink's monitor hands out
        audio in blocks of up to 2 s, so what was played has reached the file only then."""
        deadline = time.monotonic() + timeout
        while self.recorded_s() < seconds:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.path}: {self.recorded_s():.1f} s recorded, {seconds:.1f} s wanted"
                )
            time.sleep(0.05)

    def origin(self, samples: list[int]) -> float:
        """When the first of ``samples`` (what ``stop`` returned) was played, counted back from the end:
        a new recording stream starts late by a varying stall, but ends when stopped (less its latency)."""
        return self.stopped - len(samples) / RATE

    def stop(self) -> list[int]:
        """End the recording (SIGTERM lets parec finish the WAV header) and return its samples."""
        self.stopped = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return read_wav(self.path)


def read_wav(path: Path) -> list[int]:
    """Samples of a 16-bit mono WAV file (empty if the file is missing or empty)."""
    if not path.exists() or path.stat().st_size <= 44:
        return []
    with wave.open(str(path)) as w:
        data = w.readframes(w.getnframes())
        if w.getnframes() == 0:  # header not finalised: take the raw payload
            data = path.read_bytes()[44:]
    data = data[: len(data) // 2 * 2]
    return list(array("h", data))


def write_tone_wav(path: Path, freq: float, seconds: float, peak: int = 10000) -> None:
    """A mono 16 kHz 16-bit WAV of a pure tone, as the far end of a "call"."""
    n = int(seconds * RATE)
    samples = array("h", (int(peak * math.sin(2 * math.pi * freq * i / RATE)) for i in range(n)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())


def rms(samples: list[int]) -> float:
    return math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0


def window_rms(samples: list[int], window: int = RATE // 50) -> list[float]:
    """RMS of consecutive 20 ms windows."""
    return [rms(samples[i : i + window]) for i in range(0, len(samples) - window + 1, window)]


def loud_part(samples: list[int], threshold: float = 300.0, window: int = RATE // 50) -> list[int]:
    """Samples from the first to the last 20 ms window louder than ``threshold`` (empty if none)."""
    levels = window_rms(samples, window)
    loud = [i for i, level in enumerate(levels) if level > threshold]
    if not loud:
        return []
    return samples[loud[0] * window : (loud[-1] + 1) * window]


def loud_seconds(samples: list[int], threshold: float = 300.0, window: int = RATE // 50) -> float:
    """How long the signal is louder than ``threshold``, in seconds (20 ms resolution)."""
    return sum(1 for level in window_rms(samples, window) if level > threshold) * window / RATE


def frequency(samples: list[int], window: int = RATE // 50) -> float:
    """Dominant frequency of a clean tone from its zero crossings (Hz), counted over the 20 ms
    windows where it sounds (above a tenth of the loudest): a dropout a loaded machine leaves in the
    middle would otherwise pull the figure down (407 Hz read for a 500 Hz tone with a 0.13 s gap)."""
    if len(samples) < 2:
        return 0.0
    levels = [rms(samples[i : i + window]) for i in range(0, len(samples), window)]
    loudest = max(levels)
    if loudest == 0:
        return 0.0
    sounding = [level > loudest / 10 for level in levels]
    pairs = [i for i in range(len(samples) - 1) if sounding[i // window]]
    crossings = sum(1 for i in pairs if (samples[i] < 0) != (samples[i + 1] < 0))
    return crossings / 2 / (len(pairs) / RATE) if pairs else 0.0

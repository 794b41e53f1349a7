"""The chain tests' app: the real app and its chain worker on a manual clock (a weekday noon), sending
through the providers a test file chooses (:func:`providers`; by default two recorders, ``mail`` and
``sms``). Each file still sets its own ``settings``; the ``client`` is the server tests' own."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from server.api.main import create_app
from server.chains.clock import ManualClock
from server.db import Database
from server.messaging.base import Provider
from server.settings import Settings
from tests.server.chains.fakes import Recorder, weekday_noon


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(weekday_noon(3))


@pytest.fixture
def mail() -> Recorder:
    return Recorder("smtp")


@pytest.fixture
def sms() -> Recorder:
    return Recorder("http")


@pytest.fixture
def providers(mail: Recorder, sms: Recorder) -> dict[str, Provider] | None:
    """The worker's providers by channel; ``None``: the ones the settings configure (real gateways)."""
    return {"email": mail, "sms": sms}


@pytest.fixture
def app(
    settings: Settings, database: Database, clock: ManualClock, providers: dict[str, Provider] | None
) -> FastAPI:
    return create_app(settings, database=database, chain_clock=clock, chain_providers=providers)

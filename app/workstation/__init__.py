"""The workstation coordinator: calls and status together, observable by the UI, driven by intents.
See ``docs/workstation-core.md``."""

from app.workstation.config import WorkstationConfig
from app.workstation.coordinator import Workstation, WorkstationState, connect_phone
from app.workstation.hub import Hub, Unsubscribe
from app.workstation.notices import (
    AudioRouted,
    CallChanged,
    CatalogueChanged,
    ContactLookedUp,
    DispositionNotSaved,
    DispositionQueued,
    HeadsetChanged,
    MuteChanged,
    Notice,
    Problem,
    StatusChanged,
    StatusRefused,
)
from app.workstation.ports import ContactLookup, Outbox, PhoneCommands

__all__ = [
    "AudioRouted",
    "CallChanged",
    "CatalogueChanged",
    "ContactLookedUp",
    "ContactLookup",
    "DispositionNotSaved",
    "DispositionQueued",
    "HeadsetChanged",
    "Hub",
    "MuteChanged",
    "Notice",
    "Outbox",
    "PhoneCommands",
    "Problem",
    "StatusChanged",
    "StatusRefused",
    "Unsubscribe",
    "Workstation",
    "WorkstationConfig",
    "WorkstationState",
    "connect_phone",
]

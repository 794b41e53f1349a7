"""Which queue adapters a server runs, from its settings: one factory per PBX kind, registered by
name, so adding a PBX is a module plus one line here."""

from __future__ import annotations

from collections.abc import Callable

from server.pbx.adapter import QueueAdapter, QueueFollower
from server.settings import Settings

Factory = Callable[[Settings], QueueAdapter | None]


def _asterisk(settings: Settings) -> QueueAdapter | None:
    if settings.ami_url is None:
        return None
    from server.pbx.ami import AmiAddress
    from server.pbx.asterisk import AsteriskAdapter

    queues = tuple(q.strip() for q in settings.ami_queues.split(",") if q.strip())
    return AsteriskAdapter(
        AmiAddress.parse(settings.ami_url.get_secret_value()),
        interface=settings.ami_interface,
        queues=queues,
        back_of_queue_penalty=settings.back_of_queue_penalty,
    )


def _freeswitch(settings: Settings) -> QueueAdapter | None:
    if settings.esl_url is None:
        return None
    from server.pbx.freeswitch import FreeswitchAdapter

    return FreeswitchAdapter.from_url(settings.esl_url.get_secret_value())


ADAPTERS: dict[str, Factory] = {"asterisk": _asterisk, "freeswitch": _freeswitch}


def follower_for(settings: Settings) -> QueueFollower:
    """A follower with every adapter the settings configure (none: it does nothing)."""
    adapters = [adapter for factory in ADAPTERS.values() if (adapter := factory(settings)) is not None]
    return QueueFollower(adapters)

"""What the desktop starts with: the options ``ringdesk``, the demo and the tests compose a
:class:`~ui.main.Desktop` from (the command line and the configuration, resolved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Config
from app.session.acw import AcwMode, AcwPolicy
from ui.head_start import HeadStart
from ui.i18n import Language
from ui.theme_names import Theme

if TYPE_CHECKING:
    from ui.main import Desktop


@dataclass
class DesktopOptions:
    """What the desktop starts with (from the command line and the configuration)."""

    server_url: str = ""
    user: str = ""
    password: str | None = field(default=None, repr=False)
    """Only for the demo and tests: logs in without the dialog."""
    phone_args: list[str] = field(default_factory=list)
    """Extra ``ringdesk phone`` options: the SIP account and registrars, or ``--listen`` for p2p."""
    language: Language = Language.RU
    theme: Theme = Theme.LIGHT
    start_minimised: bool = False
    database: Path | None = None
    acw: AcwPolicy = field(default_factory=lambda: AcwPolicy(AcwMode.MANDATORY))
    phone_log: Path | None = None
    """Where the telephony service's own log goes (its stderr); ``None``: this process's stderr."""
    single_instance: bool = False
    """Take later launches' ``tel:``/``sip:`` links (``ui.single``); the real desktop only."""
    config: Config | None = None
    """The machine-wide configuration read at start-up: its SIP account is registered (password from
    the keyring) and its hotkeys applied. ``None`` (the demo, tests): neither."""
    dial: str | None = None
    """A ``tel:`` or ``sip:`` link the desktop was opened with: dialled once the phone is up."""
    on_ready: Callable[[Desktop], None] | None = None
    window_state: Path | None = None
    """Where the window's size and place are kept between starts (an INI file beside the operator's
    settings); ``None`` (the demo, tests): the window opens at its default place each time."""
    head_start: HeadStart | None = None
    """The keyring helper and the telephony service, started before this module was loaded
    (``ui.start``); ``None``: :meth:`Desktop.start` starts them itself."""

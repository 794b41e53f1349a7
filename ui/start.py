"""``ringdesk`` with no sub-command: the operator's desktop, configured from the machine-wide settings.

The command line overrides the configuration (``app/config``: policy > machine > user > defaults), except
what a policy locks; a ``tel:``/``sip:`` link is handed to a desktop already running rather than starting
a second one; the desktop and its telephony service log to the user's log directory.

The order is the cold start's (issue 15): this module loads only the configuration, the command line
and the event loop; once this is known to be the one desktop, the loop starts the keyring helper and
the telephony service (``ui.head_start``), and only then is the desktop itself (``ui.main``, ~500
modules) imported, while those two processes start on the other core.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtWidgets import QApplication

from app.config import Config, ConfigPaths, load_config
from ui.head_start import HeadStart
from ui.i18n import Language
from ui.qt_loop import run_qt
from ui.single import hand_over
from ui.theme_names import Theme

if TYPE_CHECKING:
    from ui.main import DesktopOptions

log = logging.getLogger("ringdesk.start")


def parse(argv: Sequence[str], config: Config | None = None) -> DesktopOptions:
    """The desktop's options from its command line and the configuration (loaded when not given)."""
    config = config or load_config()
    return options(arguments(argv, config), config)


def arguments(argv: Sequence[str], config: Config) -> argparse.Namespace:
    """The command line read over the configuration's defaults, a policy's locks kept."""
    parser = argparse.ArgumentParser(prog="ringdesk", description="The ringdesk operator workstation.")
    parser.add_argument("--server", default="", help="the ringdesk server, e.g. https://ringdesk.example.ru")
    parser.add_argument("--user", default="", help="the operator's login")
    parser.add_argument("--language", choices=[x.value for x in Language], default=Language.RU.value)
    parser.add_argument("--theme", choices=[x.value for x in Theme], default=Theme.LIGHT.value)
    parser.add_argument("--minimised", action="store_true", help="start in the system tray")
    parser.add_argument(
        "--phone",
        action="append",
        default=[],
        metavar="OPTION",
        help="pass an option to the telephony service (repeat), e.g. --phone=--account=sip:1001@pbx",
    )
    parser.add_argument("link", nargs="?", help="a tel: or sip: link to call (the desktop's URI handler)")
    parser.set_defaults(
        server=str(config["server_url"]),
        language=str(config["language"]),
        theme=str(config["theme"]) if str(config["theme"]) in {t.value for t in Theme} else "light",
        minimised=bool(config["start_minimised"]),
    )
    args = parser.parse_args(list(argv))
    _keep_policy(args, config)
    return args


def options(args: argparse.Namespace, config: Config) -> DesktopOptions:
    """The desktop's options (this loads the desktop's modules: call it once the helpers started)."""
    from app.session.acw import AcwMode, AcwPolicy
    from ui.main import DesktopOptions

    mode = AcwMode(str(config["acw.mode"]))
    return DesktopOptions(
        dial=args.link,
        server_url=args.server,
        user=args.user,
        phone_args=list(args.phone),
        language=Language(args.language),
        theme=Theme(args.theme),
        start_minimised=args.minimised,
        acw=AcwPolicy(mode, timeout_s=int(config["acw.seconds"]) if mode.timed else None),
        config=config,
        single_instance=True,
        window_state=ConfigPaths.for_this_os().user_file.with_name("window.ini"),
    )


FLAG_SETTINGS = {
    "server": "server_url",
    "language": "language",
    "theme": "theme",
    "minimised": "start_minimised",
}
"""The command-line flags that stand for a setting of the configuration."""


def _keep_policy(args: argparse.Namespace, config: Config) -> None:
    """A setting IT locked by policy wins over a command-line flag: a shortcut edited by hand must
    not point a desk at another server. The flag is ignored and the log says why."""
    for flag, key in FLAG_SETTINGS.items():
        why = config.is_locked(key)
        value = config[key]
        if why is not None and getattr(args, flag) != (value if isinstance(value, bool) else str(value)):
            log.warning("--%s ignored: %s is %s", flag, key, why)
            setattr(args, flag, value if isinstance(value, bool) else str(value))


def _log_to_file(config: Config) -> Path:
    """The desktop's log: the user's log directory, rotated (5 x 2 MB), at the configured level."""
    directory = platformdirs.user_log_path("ringdesk", appauthor=False)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "ringdesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    level = str(config["log.level"]).upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO), handlers=[handler, logging.StreamHandler()]
    )
    return path


def main(argv: Sequence[str]) -> int:
    config = load_config()  # once: the log, the options and the desktop all read it
    log_file = _log_to_file(config)
    for problem in config.problems:  # a refused policy (everything locked) is an error, typos are warnings
        logging.getLogger("ringdesk.config").log(
            logging.ERROR if problem in config.errors else logging.WARNING, "%s", problem
        )
    args = arguments(argv, config)
    if not QApplication.instance():
        QApplication(sys.argv[:1])
    if hand_over(args.link):
        return 0  # the running desktop dials it
    return run_qt(lambda: _desktop(args, config, log_file.with_name("phone.log")))


async def _desktop(args: argparse.Namespace, config: Config, phone_log: Path) -> int:
    """Start the helpers, then load and run the desktop (the module docstring says why in this order)."""
    head = await HeadStart.begin(list(args.phone), config, phone_log, account=args.user)
    try:
        from ui.main import run_desktop

        desktop_options = options(args, config)
        desktop_options.phone_log = phone_log
        desktop_options.head_start = head
        return await run_desktop(desktop_options)
    finally:
        await head.discard()  # (nothing, once the desktop took them over: it stops them itself)

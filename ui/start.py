"""``ringdesk`` with no sub-command: the operator's desktop, configured from the machine-wide settings.

The command line overrides the configuration (``app/config``: policy > machine > user > defaults), except
what a policy locks; a ``tel:``/``sip:`` link is handed to a desktop already running rather than starting
a second one; the desktop and its telephony service log to the user's log directory.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QApplication

from app.config import Config, ConfigPaths, load_config
from app.session.acw import AcwMode, AcwPolicy
from ui.i18n import Language
from ui.main import DesktopOptions, run_desktop, run_qt
from ui.single import hand_over
from ui.theme import Theme

log = logging.getLogger("ringdesk.start")


def parse(argv: Sequence[str], config: Config | None = None) -> DesktopOptions:
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
    config = config or load_config()
    parser.set_defaults(
        server=str(config["server_url"]),
        language=str(config["language"]),
        theme=str(config["theme"]) if str(config["theme"]) in {t.value for t in Theme} else "light",
        minimised=bool(config["start_minimised"]),
    )
    args = parser.parse_args(list(argv))
    _keep_policy(args, config)
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
    options = parse(argv, config)
    options.phone_log = log_file.with_name("phone.log")
    if not QApplication.instance():
        QApplication(sys.argv[:1])
    if hand_over(options.dial):
        return 0  # the running desktop dials it
    return run_qt(lambda: run_desktop(options))

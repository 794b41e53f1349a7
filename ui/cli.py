"""The ``ringdesk`` command: the desktop, and its sub-commands ``phone``, ``demo`` and ``script``.

Each sub-command imports only what it needs: ``ringdesk phone`` never loads Qt, the desktop never loads
pjsua2 (the telephony service runs in its own process).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # a tel:/sip: link from the desktop's URI handler is an argument for the desktop, not a command
    command = args[0] if args and not args[0].startswith("-") and ":" not in args[0] else ""
    if command == "phone":
        from sip.cli import main as phone_main

        return phone_main(args[1:])
    if command == "secrets-helper":  # the desktop's own child (app.secrets_helper), not for people
        from app.secrets_helper import serve

        return serve()
    if command == "script":
        from app.scripts.cli import main as script_main

        return script_main(args[1:])
    if command == "demo" and "--console" in args[1:]:
        from ui.demo_console import main as console_main  # no Qt, no server: also in the bundle

        return console_main([a for a in args[1:] if a != "--console"])
    if command == "demo":
        from app.wire import engine

        engine.use_light()
        from ui.demo import main as demo_main

        return demo_main(args[1:])
    if args[:1] in (["--version"], ["--show-config"], ["--self-test"]):
        from ui.info import main as info_main

        return info_main(args[0])
    if command in ("-h", "--help", "help") or (args and args[0] in ("-h", "--help")):
        print(USAGE)
        return 0
    if command and not command.startswith("-"):
        print(f"ringdesk: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    from app.wire import engine

    engine.use_light()  # the desk checks the wire models without pydantic (app.wire.light)
    from ui.start import main as desktop_main

    return desktop_main(args)


USAGE = """usage: ringdesk [COMMAND] [OPTIONS]

commands:
  phone   run the telephony service headless (JSON events on stdout); `ringdesk phone --help`
  demo    the whole workstation with a local server and simulated callers (--console: terminal)
  script  check call scripts (`lint FILE...`) or walk through one (`play FILE --contact C.json`)

options:
  --version       print the version
  --show-config   print every setting with its source (policy > machine > user > default)
  --self-test     check this install: Qt, icons, the SIP stack, the local database, the keyring
"""

if __name__ == "__main__":
    sys.exit(main())

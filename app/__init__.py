"""ringdesk core: domain, state machines, wire formats.

This package must never import PySide6, pjsua2, ``ui`` or ``sip``: it is shared by the desktop, the
telephony service and the server, and is tested without Qt or a SIP stack.
"""

__version__ = "0.1.0"

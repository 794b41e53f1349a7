"""The call-script panel: shows the runner's current step and sends the operator's intents back.

All logic (validation, branching, Back, rendering templates) is in :mod:`app.scripts.runner`; the
widgets here only draw a :class:`~app.scripts.runner.StepView` and collect what was typed. Every text
from a script or the CRM is shown as plain text, never as rich text: a contact named
``<img src=x><b>Ivan</b>`` is displayed exactly like that.
"""

from ui.script_panel.panel import ScriptPanel

__all__ = ["ScriptPanel"]

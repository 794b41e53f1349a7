"""Parts of the window built on first use, finished so that nobody can tell they were built late.

The idle desktop holds only what it shows (issue 5: idle memory): the call controls, the card's pages,
the disposition form and the dial pad are built the first time they are needed. Three things differ for
a widget built into a window that is already up, and :func:`settle` puts them back as they were when
every part was built with the window:

* **Polish.** The style sheet pads a badge differently when :func:`~ui.theme.set_role` makes a label
  one before or after it was first polished, and showing the window used to polish every part before
  its first use. :func:`settle` polishes the new widgets at once.
* **Tab order.** Qt appends a widget joining a window to the end of the window's focus chain, so Tab
  would reach a late part after everything else. :func:`settle` moves the new widgets back to where
  they were: right after the widget the part follows.
* **Visibility.** Widgets joining a shown one appear only on the next turn of the event loop; a part
  filled while shown shows them at once, so giving one the focus works right away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def settle(part: QWidget, after: QWidget) -> QWidget:
    """Polish ``part`` and everything in it, and put its keyboard-focusable widgets right after
    ``after`` in the tab order (``after`` may be ``part`` itself, for a part that was built empty
    and has just been filled). Returns the last widget placed, to place another part after it."""
    if part.isVisible():  # Qt shows widgets joining a shown one later, by a queued call: now, here
        for child in part.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not (child.isHidden() and child.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)):
                child.show()
    part.ensurePolished()
    for child in part.findChildren(QWidget):
        child.ensurePolished()
    members = [w for w in _chain(part) if w is not after]
    focusable = [w for w in members if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.focusProxy() is None]
    policy = after.focusPolicy()
    after.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # setTabOrder ignores a widget Tab never reaches
    try:
        previous = after
        for widget in focusable:
            QWidget.setTabOrder(previous, widget)
            previous = widget
    finally:
        after.setFocusPolicy(policy)
    return previous


def _chain(part: QWidget) -> list[QWidget]:
    """``part`` and its descendants, in the window's focus-chain order."""
    window = part.window()
    found = []
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window:
        if widget is part or part.isAncestorOf(widget):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found

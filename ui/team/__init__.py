"""The team lead's Team window: the live board (``model``), the window with its actions
(``window``) and its dialogs (``dialogs``). The state and the server connection are Qt-free in
``app.team``."""

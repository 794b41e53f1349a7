"""The team lead's live board without Qt: the board's state (``board``) and the client that keeps it
fed from the server (``feed``). ``ui/team`` shows it."""

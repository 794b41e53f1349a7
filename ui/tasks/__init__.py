"""The Tasks panel (issue 16): ``hook`` is wired at start-up and stays small; ``panel`` (the widgets) is
imported and built the first time the panel is shown (idle memory, issue 5)."""

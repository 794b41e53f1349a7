"""The team lead's historical reports (issue 20, ``docs/reports.md``): what to ask, the answers kept
until the next answer, exports saved as the server wrote them. Qt-free; ``ui.team.reports`` shows it."""

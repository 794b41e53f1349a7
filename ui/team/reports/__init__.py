"""The team lead's Reports window (issue 20): historical reports, drill-down, exports."""

"""Scoring recorded calls (issue 18): the score arithmetic and the scoring sheet, Qt-free."""

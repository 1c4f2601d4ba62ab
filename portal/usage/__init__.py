"""Project usage: totals, change against the previous window, charts and CSV (issue 18)."""

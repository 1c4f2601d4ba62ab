"""Request logs of a project: search, live tail and export (issue 18)."""

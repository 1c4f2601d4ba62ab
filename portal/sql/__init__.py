"""The SQL console: run statements against a project's WordPress database, read-only by default."""

"""Django's PostgreSQL backend with a health check that skips connections in constant use
(``ENGINE: portal.lib.postgresql``; see ``base.DatabaseWrapper``)."""

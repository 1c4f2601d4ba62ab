"""The SQL console of one project: editor, result (polled while running), history, export.

Every statement goes through the client (``create_sql_statement`` is audited as ``sql.execute``
by construction, its text with quoted literals redacted). The console adds what the client cannot
know: the statement's outcome once it has finished (``sql.result``: status, rows affected), and
opening a result someone else ran — or one run in another session — as a sensitive read
(``sql.open_result``), recorded once per session and statement. Exports are ``sql.export_result``.

Writes need the read-only switch off, the ``sql.write`` action and a confirmation naming the
project; a statement Agiler refuses (a write sent read-only) goes back to the editor with the
statement intact.
"""

from portal.sql.views.reads import console, export, history, result
from portal.sql.views.writes import cancel, delete, run

__all__ = ["cancel", "console", "delete", "export", "history", "result", "run"]

"""The leaf toolkit every area builds on: page-or-partial rendering, idempotent forms, the one
confirmation flow, the cursor pager, streamed CSV, downloads, fan-out, the client address and
sealed form values (a secret carried from one request to the next without showing it).

Nothing here imports a feature area (a test of the import graph keeps it so): areas import the
toolkit, never the other way round.
"""

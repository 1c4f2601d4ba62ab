"""``python -m agiler_sandbox --port 8765``: serve the sandbox without Django."""

from __future__ import annotations

from .cli import main

main()

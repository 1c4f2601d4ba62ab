"""The Agiler sandbox: a stateful, pure-WSGI simulator of the Agiler v1 API.

``create_app(...)`` builds it; ``agiler_sandbox.server`` serves it over real HTTP. It imports
nothing from the rest of the portal so it can run without Django (``python -m agiler_sandbox``).
"""

from __future__ import annotations

from .app import Sandbox, create_app
from .faults import FaultRule

__all__ = ["FaultRule", "Sandbox", "create_app"]

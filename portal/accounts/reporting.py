"""Error reports that hide secrets even on the DEBUG page.

Django's ``SafeExceptionReporterFilter`` honours ``sensitive_variables`` and
``sensitive_post_parameters`` only when DEBUG is off. The demo runs with DEBUG on and a real
token pasted into it is as real as in production, so the portal filters always.
"""

from __future__ import annotations

from typing import Any

from django.views.debug import SafeExceptionReporterFilter


class PortalExceptionReporterFilter(SafeExceptionReporterFilter):
    """Apply the sensitive-data filtering whatever DEBUG says."""

    def is_active(self, request: Any) -> bool:
        return True

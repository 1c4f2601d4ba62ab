from typing import Any

from django.http import HttpRequest

class AxesProxyHandler:
    @classmethod
    def is_allowed(cls, request: HttpRequest, credentials: dict[str, Any] | None = ...) -> bool: ...

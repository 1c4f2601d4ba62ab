from typing import Any

# What OTPMiddleware installs as ``user.is_verified()``: whether a device verified this session.
def is_verified(user: Any) -> bool: ...

"""Operation handlers, one module per API area. Each takes ``(app, request)``."""

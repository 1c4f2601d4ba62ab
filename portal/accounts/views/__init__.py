"""The accounts pages, one module per concern: signing in and out (``signin``), two-factor
sign-in (``mfa``), and portal users and roles (``people``). The token page is ``portal.tokens``'s.
"""

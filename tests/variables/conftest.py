"""Variables tests use the shared fixtures of tests/conftest.py: the seeded sandbox, the cast
with their role's token, and ``project`` (WP_ENV, WP_DEBUG, SMTP_HOST are plain; SMTP_PASSWORD
and STRIPE_SECRET_KEY sensitive)."""

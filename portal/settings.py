"""Settings for the Agiler Team Portal: one module, every value from the environment.

Defaults give the embedded demo (SQLite file, local-memory cache, the Agiler sandbox on
127.0.0.1:8765, DEBUG on). A production deployment sets ``PORTAL_DEBUG=false`` and must then
provide a real secret key and token-encryption keys, or the process refuses to start. The README
documents every variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_float, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PORTAL_VERSION = "0.1.0"

DEBUG = env_bool("PORTAL_DEBUG", True)

# --- Secrets -------------------------------------------------------------------------------------
_DEMO_SECRET_KEY = "insecure-demo-key-only-for-the-embedded-sandbox-never-use-in-production"
SECRET_KEY = env_str("PORTAL_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PORTAL_SECRET_KEY (or PORTAL_SECRET_KEY_FILE) must be set when PORTAL_DEBUG is off. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = _DEMO_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("insecure", "django-insecure"))):
    raise ImproperlyConfigured("PORTAL_SECRET_KEY must be at least 50 random characters.")

# Keys that encrypt the stored Agiler tokens: "id:base64key[,id:base64key…]"; the first encrypts,
# all decrypt. Parsed and validated by portal.tokens.crypto at start-up (see AccountsConfig).
PORTAL_TOKEN_KEYS = env_str("PORTAL_TOKEN_KEYS") or ""
# Where the demo keeps a generated key when PORTAL_TOKEN_KEYS is unset and DEBUG is on.
PORTAL_DEMO_KEY_FILE = Path(env_str("PORTAL_DEMO_KEY_FILE") or BASE_DIR / ".portal-keys")
# Keyed hash for token fingerprints and the audit chain (never the encryption key itself).
PORTAL_AUDIT_HMAC_KEY = env_str("PORTAL_AUDIT_HMAC_KEY") or ""
#: where signed audit checkpoints go: a file path (append-only JSON lines) or "log"
PORTAL_AUDIT_CHECKPOINT = env_str("PORTAL_AUDIT_CHECKPOINT") or "log"

# --- Hosts and proxies ---------------------------------------------------------------------------
ALLOWED_HOSTS = env_list(
    "PORTAL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PORTAL_ALLOWED_HOSTS must list the portal's host names.")
CSRF_TRUSTED_ORIGINS = env_list("PORTAL_CSRF_TRUSTED_ORIGINS", [])
# Only when the portal sits behind a proxy that sets these headers may we believe them: otherwise
# anyone could forge their source IP in the audit log or fake HTTPS.
PORTAL_TRUSTED_PROXY = env_bool("PORTAL_TRUSTED_PROXY", False)
# How many proxies of ours append to X-Forwarded-For (2 for a CDN plus a load balancer).
PORTAL_TRUSTED_PROXY_HOPS = env_int("PORTAL_TRUSTED_PROXY_HOPS", 1, minimum=1)
if PORTAL_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The addresses our proxy connects from (addresses or networks): a response meant for the proxy
# alone (a download handed to nginx, below) is given only to a request that came from one.
PORTAL_TRUSTED_PROXY_ADDRESSES = env_networks(
    "PORTAL_TRUSTED_PROXY_ADDRESSES", ["127.0.0.1", "::1"]
)
# Downloads pumped by nginx (X-Accel-Redirect to its internal Agiler location) instead of relayed
# through Python: only with deploy/nginx/portal.conf.template in front (docs/operations.md), and
# only for requests from PORTAL_TRUSTED_PROXY_ADDRESSES with PORTAL_TRUSTED_PROXY on.
PORTAL_RELAY_VIA_PROXY = env_bool("PORTAL_RELAY_VIA_PROXY", False)

# --- Applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "portal.core",
    "portal.accounts",
    "portal.tokens",
    "portal.audit",
    "portal.workspaces",
    "portal.projects",
    "portal.backups",
    "portal.files",
    "portal.billing",
    "portal.rules",
    "portal.sql",
    "portal.domains",
    "portal.variables",
    "portal.notifications",
    "portal.logs",
    "portal.usage",
    # Two-factor sign-in (TOTP; recovery codes are portal.accounts' hashed device).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Login throttling; last, as its docs ask.
    "axes",
]
if DEBUG:
    # Demo mode only: the Agiler simulator is a development tool beside the product (it is not
    # in the production image); as an app it only carries `manage.py runsandbox`.
    INSTALLED_APPS.insert(INSTALLED_APPS.index("axes"), "agiler_sandbox")

MIDDLEWARE = [
    "portal.core.middleware.HealthProbeMiddleware",
    "portal.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the CSP and Permissions-Policy too.
    "portal.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.SessionRefreshMiddleware",
    # Renames the backend of sessions signed in before PortalBackend (before authentication).
    "portal.accounts.middleware.OldSessionBackendMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.SignInPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.lib.htmx.VaryOnHtmxMiddleware",
    # After sessions, auth and htmx (its 400 page uses the layout), before any view runs.
    "portal.core.middleware.BadInputMiddleware",
    "portal.core.middleware.HtmxMessagesMiddleware",
    # The person without the two lazy proxies of authentication and django-otp (after both:
    # it reads through them once), before the first middleware that needs the person; after
    # BadInputMiddleware, whose answers to bad input need no person and no session.
    "portal.accounts.middleware.PersonMiddleware",
    "portal.core.middleware.AccessControlMiddleware",
    "portal.core.agiler_errors.AgilerErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out username/IP before any password is checked. The portal's
# backend is Django's ModelBackend that loads the person's token row with them on each request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.PortalBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
CSRF_FAILURE_VIEW = "portal.core.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
            ],
            # Partials are builtins so that Django 6's built-in {% partialdef %} later needs only
            # this configuration removed, not every template edited.
            "builtins": [
                "template_partials.templatetags.partials",
                "portal.core.templatetags.portal_tags",
                "portal.accounts.templatetags.accounts_tags",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

# --- Data ----------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("PORTAL_DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that skips connections in constant use (one round trip less
    # per request under load): portal/lib/postgresql/base.py.
    DATABASES["default"]["ENGINE"] = "portal.lib.postgresql"
#: a connection that ran a query this recently (seconds) is not health-checked; 0: always
PORTAL_DB_TRUSTED_SECONDS = env_float("PORTAL_DB_TRUSTED_SECONDS", 1.0, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing one Redis client per connection pool (see the module).
            "BACKEND": "portal.lib.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Several portals (or `make prod-check` runs) may share one Redis: one prefix each.
            "KEY_PREFIX": env_str("PORTAL_CACHE_KEY_PREFIX") or "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sessions and passwords ----------------------------------------------------------------------
# Sessions end after this much inactivity: activity pushes the expiry forward, at most once a
# minute (SessionRefreshMiddleware), not with an UPDATE on every request (issue 14: page cost).
# With Redis (shared by every process) a session is read from the cache and written through to
# the database: a cache GET instead of a SELECT on every request (issue 14: page cost). Not with
# the per-process local-memory cache: a session ended in one process (end_sessions) would live
# on in another's memory.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = False
PORTAL_SESSION_REFRESH_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in throttling and two-factor (docs/tokens.md) -----------------------------------------
# After this many failures the username, and separately the client IP, are locked for a while:
# per-username stops guessing one password, per-IP stops spraying one password over many users.
AXES_ENABLED = env_bool("PORTAL_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PORTAL_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Lock a username *from one address* (a list inside the list means "both together"): five wrong
# passwords for finance from one address used to lock finance out everywhere. Spraying many
# usernames from one address is stopped by the per-address throttle below instead.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
#: failed sign-ins one address may make (any usernames) per lockout period before it must wait
PORTAL_LOGIN_ADDRESS_LIMIT = env_int("PORTAL_LOGIN_ADDRESS_LIMIT", 30, minimum=1)
#: the starting policy (admins change it on the People page): admins must use two-factor sign-in
PORTAL_REQUIRE_MFA_FOR_ADMINS = env_bool("PORTAL_REQUIRE_MFA_FOR_ADMINS", True)
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit log already
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_token"]
AXES_CLIENT_IP_CALLABLE = "portal.lib.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.accounts.throttle.lockout_response"
OTP_TOTP_ISSUER = "Agiler Team Portal"
# Hide sensitive_variables / sensitive_post_parameters (tokens, passwords, codes) on the DEBUG
# error page too, not only in production error reports.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.accounts.reporting.PortalExceptionReporterFilter"

# --- Security headers ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("PORTAL_SSL_REDIRECT", not DEBUG)
# Health probes come from the orchestrator over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PORTAL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PORTAL_HSTS_PRELOAD", not DEBUG)
# Opting out of the preload list is a legitimate choice; do not let the deploy check nag about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or DEBUG else ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("PORTAL_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The one Content-Security-Policy: everything from 'self', no inline script or style attribute.
PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes (the image bakes it in at build; `make prod-check` uses a temp dir).
STATIC_ROOT = Path(env_str("PORTAL_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("PORTAL_TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

# --- Agiler --------------------------------------------------------------------------------------
AGILER_API_URL = env_str("AGILER_API_URL") or "http://127.0.0.1:8765/v1"
# Every call carries a bearer token: in production it may only travel over TLS (or loopback).
if not DEBUG and not (
    AGILER_API_URL.startswith("https://")
    or AGILER_API_URL.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
):
    raise ImproperlyConfigured(
        f"AGILER_API_URL must use https:// when PORTAL_DEBUG is off (got {AGILER_API_URL!r}): "
        "every request carries a user's Agiler token."
    )
AGILER_TIMEOUT = {
    "connect": env_float("AGILER_TIMEOUT_CONNECT", 5.0, minimum=0.1),
    "read": env_float("AGILER_TIMEOUT_READ", 30.0, minimum=0.1),
    "write": env_float("AGILER_TIMEOUT_WRITE", 30.0, minimum=0.1),
    "pool": env_float("AGILER_TIMEOUT_POOL", 5.0, minimum=0.1),
}
AGILER_MAX_RETRIES = env_int("AGILER_MAX_RETRIES", 2, minimum=0)
# A Retry-After longer than this is not waited for: the page says "try again in N s" instead.
AGILER_RETRY_AFTER_CEILING = env_float("AGILER_RETRY_AFTER_CEILING", 10.0, minimum=0)
AGILER_TRANSPORT = None  # tests only: an httpx transport (e.g. the in-process sandbox)

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"level": env_str("PORTAL_LOG_LEVEL") or "INFO"},
        "django.request": {"level": "ERROR"},
    },
}

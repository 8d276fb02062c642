"""Settings for hotline, read from the environment with safe local defaults.

With no environment at all the project runs locally on SQLite with the
in-process channel layer; production sets DATABASE_URL, REDIS_URL,
SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hotline import local_secrets
from hotline.channel_layers import IN_MEMORY_LAYER, redis_layer
from hotline.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HOTLINE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Production is this switch alone: explicit secrets, HTTPS only, whatever DEBUG says.
HOTLINE_PRODUCTION = env_bool("HOTLINE_PRODUCTION", False)


def _secret(name: str) -> str:
    """From the environment (or NAME_FILE); production has no other source.

    Elsewhere a missing one comes from var/local-secrets.env, random and made
    on the first run (hotline/local_secrets.py)."""
    value = env_str(name)
    if value:
        return value
    if HOTLINE_PRODUCTION:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set in production")
    return local_secrets.load_or_create(VAR_DIR / "local-secrets.env")[name]


SECRET_KEY = _secret("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    # The admin, open to the Administrator role only.
    "hotline_crm.admin_site.HotlineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "hotline_accounts",
    "hotline_crm",
    "hotline_asterisk_connector",
    "hotline_reports",
    "hotline_admin",
    "hotline_workspace",
    "hotline_audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hotline.security.NoStore",
    "hotline.security.RefuseNulBytes",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hotline_crm.language.ChosenLanguageOnly",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hotline_audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hotline_accounts.middleware.SignInChecks",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a sign-in that axes refused into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"
ASGI_APPLICATION = "hotline.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hotline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hotline_crm.roles.role_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Report queries group up to a million rows: with PostgreSQL's stock 4 MB
    # they sort on disk, and JIT compiling costs more than it saves (measured,
    # docs/benchmarks-reports.md). Per session, so no server setting is needed.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "DATABASE_SESSION_OPTIONS", "-c jit=off -c work_mem=32MB"
    )
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The browser tests serve the test database from a second process (Daphne),
    # so on SQLite it must be a file, one per test run.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"hotline-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The layer's Redis sockets must outlive its 5-s blocking read (see channel_layers).
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 20)
CHANNEL_LAYERS = {
    "default": redis_layer(REDIS_URL, REDIS_SOCKET_TIMEOUT) if REDIS_URL else IN_MEMORY_LAYER
}

# NIST SP 800-63B: 12 characters at least, checked against Django's list of
# 20,000 passwords from breaches, never the login or the person's name; no
# composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "hotline_accounts.validators.NotACommonPasswordPadded"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hotline_accounts.validators.NotTheUsername"},
    {"NAME": "hotline_accounts.validators.NotAboutThisService"},
    {"NAME": "hotline_accounts.validators.NotRepetitive"},
]
AUTHENTICATION_BACKENDS = [
    # First: a locked-out login is refused before its password is even checked.
    "hotline_accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "hotline_crm.roles.AdministratorPermissions",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "hotline_crm:workspace"
LOGOUT_REDIRECT_URL = "login"

# Wrong passwords for one login, then it is locked for the cool-off time or
# until an administrator unlocks it. By login, not by address: behind the
# reverse proxy every address is the proxy's own.
AXES_FAILURE_LIMIT = env_int("HOTLINE_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HOTLINE_SIGN_IN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns that without the address a guesser may rotate browsers: that
# matters for address lockouts, not for one by login, which is what this is.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hotline_accounts.lockout.locked_out_page"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = env_str("HOTLINE_OTP_ISSUER", "Hotline")
# A session nobody used for this long ends (the desk keeps it alive while
# its consultant waits in the queue).
HOTLINE_IDLE_TIMEOUT_MINUTES = env_int("HOTLINE_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("HOTLINE_SESSION_MAX_HOURS", 12) * 3600
# `make run` only: the demo's supervisor and administrator sign in without a
# phone. Refused in production.
HOTLINE_DEMO_SKIP_SECOND_FACTOR = env_bool("HOTLINE_DEMO_SKIP_SECOND_FACTOR", False)
if HOTLINE_DEMO_SKIP_SECOND_FACTOR and HOTLINE_PRODUCTION:
    raise ImproperlyConfigured("HOTLINE_DEMO_SKIP_SECOND_FACTOR is for the demo, never production")

LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hotline" / "locale"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hotline" / "static"]

# Call recordings, voicemails and prompts are health and violence data: they
# live outside STATIC/MEDIA and are served only through authorised views.
RECORDINGS_DIR = Path(env_str("HOTLINE_RECORDINGS_DIR", str(VAR_DIR / "recordings")))
VOICEMAIL_DIR = Path(env_str("HOTLINE_VOICEMAIL_DIR", str(VAR_DIR / "voicemail")))
PROMPTS_DIR = Path(env_str("HOTLINE_PROMPTS_DIR", str(VAR_DIR / "prompts")))
BACKUP_DIR = Path(env_str("HOTLINE_BACKUP_DIR", str(VAR_DIR / "backups")))

PHONE_REGION = env_str("HOTLINE_PHONE_REGION", "UA")

# The Asterisk Manager Interface, on loopback only.
HOTLINE_AMI_HOST = env_str("HOTLINE_AMI_HOST", "127.0.0.1")
HOTLINE_AMI_PORT = env_int("HOTLINE_AMI_PORT", 5038)
HOTLINE_AMI_USERNAME = env_str("HOTLINE_AMI_USERNAME", "hotline")
HOTLINE_AMI_SECRET = _secret("HOTLINE_AMI_SECRET")
# The settings pages' status view logs in as a user of its own that may only
# read (the `reporting` class): no calls, no configuration, no CLI.
HOTLINE_AMI_STATUS_USERNAME = env_str("HOTLINE_AMI_STATUS_USERNAME", "hotline-status")
HOTLINE_AMI_STATUS_SECRET = _secret("HOTLINE_AMI_STATUS_SECRET")
# Applying saved settings (Reload) is the only use of the `config` class,
# with a user of its own (docs/ami-users.md).
HOTLINE_AMI_APPLY_USERNAME = env_str("HOTLINE_AMI_APPLY_USERNAME", "hotline-apply")
HOTLINE_AMI_APPLY_SECRET = _secret("HOTLINE_AMI_APPLY_SECRET")
# The web process runs the connector itself unless a separate
# `manage.py run_connector` does (production, with Redis between them).
HOTLINE_EMBEDDED_CONNECTOR = env_bool("HOTLINE_EMBEDDED_CONNECTOR", not REDIS_URL)
# How often the connector merges Asterisk's call records of the last minutes.
HOTLINE_RECORDS_SWEEP_SECONDS = env_int("HOTLINE_RECORDS_SWEEP_SECONDS", 60)
# Where consultants' smartphone apps register (shown with their credentials);
# empty host: the host name the administrator opened the settings page with.
HOTLINE_SIP_PUBLIC_HOST = env_str("HOTLINE_SIP_PUBLIC_HOST")
HOTLINE_SIP_PUBLIC_PORT = env_int("HOTLINE_SIP_PUBLIC_PORT", 5060)
HOTLINE_SIP_PUBLIC_TRANSPORT = env_str("HOTLINE_SIP_PUBLIC_TRANSPORT", "udp")
# Repeated SIP failures (wrong password, unknown account) from one address
# close Asterisk to it for a while (hotline_asterisk_connector/sip_guard.py).
# Loopback's 127.0.0.1 and ::1 are the web server's WebSocket proxy, which
# carries every browser phone: never blocked, like the carriers' addresses.
HOTLINE_SIP_GUARD_FAILURES = env_int("HOTLINE_SIP_GUARD_FAILURES", 5)
HOTLINE_SIP_GUARD_WINDOW_MINUTES = env_int("HOTLINE_SIP_GUARD_WINDOW_MINUTES", 10)
HOTLINE_SIP_GUARD_BLOCK_MINUTES = env_int("HOTLINE_SIP_GUARD_BLOCK_MINUTES", 60)
HOTLINE_SIP_GUARD_NEVER_BLOCK = env_list("HOTLINE_SIP_GUARD_NEVER_BLOCK", ["127.0.0.1", "::1"])
# The nightly retention clean-up and backup: checked inside the web process
# when on (`make run` turns it on); production may run `manage.py
# run_daily_jobs --loop` as a service instead. Off by default, so test
# servers never touch backups.
HOTLINE_DAILY_JOBS = env_bool("HOTLINE_DAILY_JOBS", False)
# Hotline's own Asterisk: the instance directory its configuration is rendered
# into (manage.py render_asterisk_config) and where it listens. The defaults
# keep everything on loopback; production sets the SIP address carriers and
# smartphones reach, the public address behind NAT, and a certificate for WSS.
HOTLINE_ASTERISK_DIR = Path(env_str("HOTLINE_ASTERISK_DIR", str(VAR_DIR / "asterisk")))
HOTLINE_SIP_BIND = env_str("HOTLINE_SIP_BIND", "127.0.0.1")
HOTLINE_SIP_PORT = env_int("HOTLINE_SIP_PORT", 5060)
HOTLINE_SIP_EXTERNAL_ADDRESS = env_str("HOTLINE_SIP_EXTERNAL_ADDRESS")
HOTLINE_SIP_LOCAL_NETWORKS = env_list("HOTLINE_SIP_LOCAL_NETWORKS", [])
HOTLINE_RTP_PORT_MIN = env_int("HOTLINE_RTP_PORT_MIN", 10000)
HOTLINE_RTP_PORT_MAX = env_int("HOTLINE_RTP_PORT_MAX", 20000)
HOTLINE_ASTERISK_HTTP_BIND = env_str("HOTLINE_ASTERISK_HTTP_BIND", "127.0.0.1")
HOTLINE_ASTERISK_HTTP_PORT = env_int("HOTLINE_ASTERISK_HTTP_PORT", 8088)
HOTLINE_ASTERISK_HTTPS_PORT = env_int("HOTLINE_ASTERISK_HTTPS_PORT", 8089)
HOTLINE_ASTERISK_TLS_CERT = env_str("HOTLINE_ASTERISK_TLS_CERT")
HOTLINE_ASTERISK_TLS_KEY = env_str("HOTLINE_ASTERISK_TLS_KEY")
# Where browsers reach Asterisk's SIP WebSocket; empty: the page's own host on
# HOTLINE_ASTERISK_HTTP_PORT (ws://) or HOTLINE_ASTERISK_HTTPS_PORT (wss://).
HOTLINE_WEBRTC_WS_URL = env_str("HOTLINE_WEBRTC_WS_URL")

# How long a card opened by break-glass stays open to the consultant.
HOTLINE_BREAK_GLASS_HOURS = env_int("HOTLINE_BREAK_GLASS_HOURS", 12)
# STUN and TURN for browser phones behind home routers (coturn, deploy/): the
# secret coturn's `use-auth-secret` shares; empty, the phones get no ICE servers.
HOTLINE_TURN_SECRET = env_str("HOTLINE_TURN_SECRET")
HOTLINE_TURN_HOST = env_str("HOTLINE_TURN_HOST")
HOTLINE_TURN_PORT = env_int("HOTLINE_TURN_PORT", 3478)
HOTLINE_TURN_TLS_PORT = env_int("HOTLINE_TURN_TLS_PORT", 443)
# Longer than any consultation: coturn checks the expiry on every refresh.
HOTLINE_TURN_TTL_SECONDS = env_int("HOTLINE_TURN_TTL_SECONDS", 12 * 3600)

# Reverse proxies whose X-Forwarded-For the audit trail believes (Caddy on
# the same host in production).
HOTLINE_TRUSTED_PROXIES = env_list("HOTLINE_TRUSTED_PROXIES", ["127.0.0.1", "::1"])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HOTLINE_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The consultant's desk shows the pages in frames so that a call survives
# navigation; other sites still cannot frame them (CSP frame-ancestors too).
# Django's deploy check wants DENY, which would break the desk.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS += ["security.W019"]
# HTTPS only in production. Caddy terminates TLS in front and says so in
# X-Forwarded-Proto; the app itself listens on loopback only, so nobody
# else can send that header.
SECURE_SSL_REDIRECT = HOTLINE_PRODUCTION
SECURE_REDIRECT_EXEMPT = env_list("HOTLINE_SSL_REDIRECT_EXEMPT", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HOTLINE_PRODUCTION else None
SECURE_HSTS_SECONDS = env_int("HOTLINE_HSTS_SECONDS", 365 * 24 * 3600) if HOTLINE_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HOTLINE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HOTLINE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: an injected <script> runs nowhere. The
# desk adds the one address it needs beyond its own, Asterisk's SIP
# WebSocket (hotline_workspace.views.desk_page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF],
        "font-src": [csp.SELF],
        # Recordings and voice messages stream from our views; the prompt
        # recorder previews what it recorded from a blob.
        "media-src": [csp.SELF, "blob:"],
        "connect-src": [csp.SELF],
        "frame-src": [csp.SELF],
        "frame-ancestors": [csp.SELF],
        "form-action": [csp.SELF],
        "base-uri": [csp.NONE],
        "object-src": [csp.NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Axes logs every successful sign-in at INFO; failures are WARNINGs.
    "loggers": {"axes": {"level": "WARNING"}},
}

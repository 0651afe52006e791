"""One settings module, switched by the environment.

DJANGO_ENV selects the profile: ``development`` (default: DEBUG on, SQLite, console e-mail),
``test`` (set by pytest) or ``production`` (DEBUG off, secure cookies, HSTS, hashed static files).
Everything that differs between machines comes from environment variables, never from code.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", not PRODUCTION and ENV != "test")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_htmx",
    "ninja",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "djangosaml2",
    "grants.core",
    "grants.accounts",
    "grants.territory",
    "grants.registry",
    "grants.programme",
    "grants.notifications",
    "grants.applications",
    "grants.evaluation",
    "grants.projects",
    "grants.finance",
    "grants.monitoring",
    "grants.transparency",
    "grants.api",
    "grants.demo",
    "grants.ops",
]

# grants.core.middleware.Page*: a middleware that pages need and the JSON API and health probes do not (SAML
# session, htmx, the page's content-security policy), skipped on those paths (grants/core/middleware.py).
# Those that Django's and the libraries' checks look for by name (messages, allauth, frame options) stay.
MIDDLEWARE = [
    # First: request counts and latencies for Prometheus cover the whole stack (grants/ops/metrics.py).
    "grants.ops.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "grants.core.middleware.RequestContextMiddleware",
    # django-csp for pages, a constant deny-all policy on the API and probes (grants/core/middleware.py).
    "grants.core.middleware.PageCSP",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SPID/CIE: its own SameSite=None cookie, so the identity provider's POST back finds the pending request.
    "grants.core.middleware.PageSamlSession",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "grants.api.middleware.ApiProblemMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff without a verified second factor: to the TOTP set-up page, or signed out (grants/accounts/mfa.py).
    "grants.accounts.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "grants.core.middleware.PageHtmx",
    "simple_history.middleware.HistoryRequestMiddleware",
    "grants.core.middleware.PrivateCacheMiddleware",
    # Last, as django-axes requires: turns a lockout signalled during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grants.registry.acting.acting_organisation",
                "grants.ops.menu.work_menu",
            ],
        },
    }
]

# --- Database: SQLite embedded by default, PostgreSQL when DATABASE_URL is set -------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60)))
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_wecare")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when configured (shared by every app node), local memory otherwise ---------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages for anonymous readers (grants/core/page_cache.py): rendered copies kept this long at most (a
# change of the programme, a call, a ranking or a project replaces them at once; 0 turns the cache off, as
# in tests, which enable it where they check it), and the max-age nginx and browsers may keep them for.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", 0 if ENV == "test" else 300))
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", 30))

# Sessions live in the database so that any app node can serve any request; with Redis they are read from the
# cache (one Redis round trip instead of a PostgreSQL query on every signed-in request), the database behind.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# --- Accounts ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# django-axes first: it refuses a locked-out (username, IP) before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "grants.accounts.saml_backend.SpidBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Local accounts (django-allauth): e-mail as login, no username; /accedi/ and /registrati/ ---------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Verification of the e-mail address: mandatory in production, optional in development and tests.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory" if PRODUCTION else "optional"
)
if PRODUCTION and ACCOUNT_EMAIL_VERIFICATION != "mandatory":
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be 'mandatory' in production.")
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[WECARE] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# --- Two-factor authentication (allauth.mfa): TOTP app and recovery codes, mandatory for every staff role ---
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "WECARE Regione Piemonte"
# Always on, except in the test profile (other apps' tests sign staff in directly); the MFA tests turn it on.
MFA_REQUIRED_FOR_STAFF = ENV != "test"

# --- SPID / CIE (SAML2: djangosaml2 + pysaml2; the SPID profile is in grants/accounts/saml_config.py) -------
SAML_ENTITY_ID = os.environ.get("SAML_ENTITY_ID", "http://127.0.0.1:8000/saml2/metadata/")
SAML_BASE_URL = os.environ.get("SAML_BASE_URL", "")  # scheme://host of the ACS; default: the entity ID's
_SAML_DEV_DIR = BASE_DIR / "grants" / "accounts" / "saml" / "dev"  # public self-signed pair, never production
SAML_KEY_FILE = os.environ.get("SAML_KEY_FILE", "" if PRODUCTION else str(_SAML_DEV_DIR / "sp.key"))
SAML_CERT_FILE = os.environ.get("SAML_CERT_FILE", "" if PRODUCTION else str(_SAML_DEV_DIR / "sp.crt"))
# Identity providers' metadata files (SPID registry, CIE), downloaded by operations: comma-separated paths.
SAML_IDP_METADATA = env_list("SAML_IDP_METADATA", "")
SAML_CONTACT_EMAIL = os.environ.get("SAML_CONTACT_EMAIL", "wecare@regione.piemonte.example")
SAML_CONTACT_PHONE = os.environ.get("SAML_CONTACT_PHONE", "")  # optional, "+39..." without spaces
# The administration's code in the IPA index (indicepa.gov.it), the metadata's spid:IPACode.
SAML_IPA_CODE = os.environ.get("SAML_IPA_CODE", "r_piemon")
if PRODUCTION and SAML_IDP_METADATA:
    if not (SAML_KEY_FILE and SAML_CERT_FILE):
        raise ImproperlyConfigured("SPID/CIE needs SAML_KEY_FILE and SAML_CERT_FILE in production.")
    if str(_SAML_DEV_DIR) in str(Path(SAML_KEY_FILE).resolve()):
        raise ImproperlyConfigured("The development SAML key is public: use your own SAML_KEY_FILE.")
SAML_CONFIG_LOADER = "grants.accounts.saml_config.load_sp_config"
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "fiscal_code"
SAML_ATTRIBUTE_MAPPING = {
    "fiscalNumber": ("fiscal_code",),
    "name": ("first_name",),
    "familyName": ("last_name",),
}
SAML_CREATE_UNKNOWN_USER = True
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"  # no cross-origin form (CSP)
SAML_SESSION_COOKIE_NAME = "saml_session"

# --- Digital signatures (CAdES .p7m, PAdES PDF; grants/core/signatures.py) -------------------------------
# A directory of CA certificates (PEM or DER, .pem/.crt/.cer) trusted for signatures: in production
# the qualified CAs of the EU trusted list (docs/deploy.md says how to build it).
# Empty: no signature can be verified.
SIGNATURE_TRUST_ROOTS = os.environ.get("SIGNATURE_TRUST_ROOTS", "")
# Certificate revocation lists of the trusted CAs (a directory of CRL files the operator refreshes).
SIGNATURE_CRLS = os.environ.get("SIGNATURE_CRLS", "")

if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalisation: Italian first, English through Django i18n --------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# Participants' codici fiscali are kept only as HMAC-SHA256 with this key (grants.monitoring.identity): a
# separate key, so that rotating SECRET_KEY does not make every person count twice. Never change it once set.
PARTICIPANT_ID_HASH_KEY = os.environ.get("PARTICIPANT_ID_HASH_KEY", "")
if not PARTICIPANT_ID_HASH_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("PARTICIPANT_ID_HASH_KEY must be set in production.")
    PARTICIPANT_ID_HASH_KEY = "insecure-development-participant-key"

# --- Static files: Bootstrap Italia and htmx from npm, served by WhiteNoise ---------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    *[
        (f"vendor/bootstrap-italia/{part}", NODE_MODULES / "bootstrap-italia" / "dist" / part)
        for part in ("css", "js", "fonts", "svg")
    ],
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# --- E-mail -------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wecare@regione.piemonte.example")
# Absolute links in notification e-mails: scheme and host people reach the platform at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Scheduled reminders (grants/ops/reminders.py): days before a call closes with a draft still open, and
# before an integration request expires.
NOTIFICATIONS_DRAFT_REMINDER_DAYS = int(os.environ.get("NOTIFICATIONS_DRAFT_REMINDER_DAYS", 3))
NOTIFICATIONS_INTEGRATION_REMINDER_DAYS = int(os.environ.get("NOTIFICATIONS_INTEGRATION_REMINDER_DAYS", 2))

# --- PEC: formal notices (integration requests, notices under art. 10-bis L. 241/1990, grant decisions,
# revocations) go by certified e-mail on their own SMTP connection to the provider, over TLS
# (grants/notifications/pec/). Empty host: the PEC channel is off. Receipts are fetched over IMAP (TLS).
PEC_EMAIL_HOST = os.environ.get("PEC_EMAIL_HOST", "")
PEC_EMAIL_PORT = int(os.environ.get("PEC_EMAIL_PORT", 465))
PEC_EMAIL_HOST_USER = os.environ.get("PEC_EMAIL_HOST_USER", "")
PEC_EMAIL_HOST_PASSWORD = os.environ.get("PEC_EMAIL_HOST_PASSWORD", "")
PEC_EMAIL_USE_SSL = env_bool("PEC_EMAIL_USE_SSL", True)
PEC_EMAIL_USE_TLS = env_bool("PEC_EMAIL_USE_TLS", False)
PEC_EMAIL_TIMEOUT = int(os.environ.get("PEC_EMAIL_TIMEOUT", 30))
PEC_EMAIL_SSL_CAFILE = os.environ.get("PEC_EMAIL_SSL_CAFILE", "")
PEC_FROM_EMAIL = os.environ.get("PEC_FROM_EMAIL", "wecare@cert.regione.piemonte.example")
PEC_MESSAGE_ID_DOMAIN = os.environ.get("PEC_MESSAGE_ID_DOMAIN", "wecare.regione.piemonte.it")
PEC_IMAP_HOST = os.environ.get("PEC_IMAP_HOST", "")
PEC_IMAP_PORT = int(os.environ.get("PEC_IMAP_PORT", 993))
PEC_IMAP_USER = os.environ.get("PEC_IMAP_USER", PEC_EMAIL_HOST_USER)
PEC_IMAP_PASSWORD = os.environ.get("PEC_IMAP_PASSWORD", PEC_EMAIL_HOST_PASSWORD)
PEC_IMAP_FOLDER = os.environ.get("PEC_IMAP_FOLDER", "INBOX")

# --- Protocol (segnatura AgID, grants/applications/protocol/): the administration's IPA code, its AOO and
# the register the applications are recorded in; the register adapter is a dotted path to a ProtocolRegister
# (default: the platform's internal register, numbered at submission).
PROTOCOL_IPA_CODE = os.environ.get("PROTOCOL_IPA_CODE", SAML_IPA_CODE)
PROTOCOL_AOO_CODE = os.environ.get("PROTOCOL_AOO_CODE", "WECARE")
PROTOCOL_REGISTER_CODE = os.environ.get("PROTOCOL_REGISTER_CODE", "WECARE_DOM")
PROTOCOL_ADMINISTRATION_NAME = os.environ.get("PROTOCOL_ADMINISTRATION_NAME", "Regione Piemonte")
# The class of the Region's filing plan (titolario) the applications are filed under: AgID's segnatura
# requires a Classifica. The defaults are placeholders: set the Region's own name and code.
PROTOCOL_CLASSIFICATION_NAME = os.environ.get("PROTOCOL_CLASSIFICATION_NAME", "Domande di contributo")
PROTOCOL_CLASSIFICATION_CODE = os.environ.get("PROTOCOL_CLASSIFICATION_CODE", "WECARE")
PROTOCOL_REGISTER_ADAPTER = os.environ.get(
    "PROTOCOL_REGISTER_ADAPTER", "grants.applications.protocol.registers.InternalRegister"
)
# With PROTOCOL_REGISTER_ADAPTER=grants.applications.protocol.registers.HttpRegister: the Region's protocol
# system's endpoint (https), its bearer token, and how long to wait for it (seconds).
PROTOCOL_REGISTER_URL = os.environ.get("PROTOCOL_REGISTER_URL", "")
PROTOCOL_REGISTER_TOKEN = os.environ.get("PROTOCOL_REGISTER_TOKEN", "")
PROTOCOL_REGISTER_TIMEOUT = float(os.environ.get("PROTOCOL_REGISTER_TIMEOUT", "15"))
# The AOO's electronic seal on the segnatura (XAdES, grants/applications/protocol/seal.py): PEM key and
# certificate files; empty: the segnatura is given unsigned.
PROTOCOL_SEAL_KEY_FILE = os.environ.get("PROTOCOL_SEAL_KEY_FILE", "")
PROTOCOL_SEAL_CERT_FILE = os.environ.get("PROTOCOL_SEAL_CERT_FILE", "")
PROTOCOL_SEAL_KEY_PASSWORD = os.environ.get("PROTOCOL_SEAL_KEY_PASSWORD", "")

# --- RNA (Registro Nazionale Aiuti, grants/finance/rna/): "file" = records downloaded as XML by officers for
# manual upload; "http" = each record POSTed to RNA_ENDPOINT, which answers the COR.
RNA_ADAPTER = os.environ.get("RNA_ADAPTER", "file")
RNA_ENDPOINT = os.environ.get("RNA_ENDPOINT", "")
RNA_TOKEN = os.environ.get("RNA_TOKEN", "")

# --- Personal data (GDPR): the privacy notice's contacts and the retention of drafts never submitted --------
PRIVACY_CONTROLLER = os.environ.get(
    "PRIVACY_CONTROLLER", "Regione Piemonte – Giunta regionale, Piazza Piemonte 1, 10127 Torino"
)
PRIVACY_CONTROLLER_PEC = os.environ.get("PRIVACY_CONTROLLER_PEC", "wecare@cert.regione.piemonte.example")
PRIVACY_DPO_EMAIL = os.environ.get("PRIVACY_DPO_EMAIL", "dpo@regione.piemonte.it")
PRIVACY_DPO_PEC = os.environ.get("PRIVACY_DPO_PEC", "")
# A draft never submitted is deleted this many months after its call closed (manage.py purge_stale_drafts).
DRAFT_RETENTION_MONTHS = int(os.environ.get("DRAFT_RETENTION_MONTHS", 12))
# A zip of a call's documents made for the officers is deleted this many days after it was made.
DOCUMENT_ARCHIVE_RETENTION_DAYS = int(os.environ.get("DOCUMENT_ARCHIVE_RETENTION_DAYS", 3))

# --- Security -----------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/"]

# Content-Security-Policy (django-csp 4): only our own origin; no inline script or style anywhere.
VIDEOJS_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Plus the two <style> elements the VideoJS part of Bootstrap Italia's bundle inserts at load (one
        # empty, then its fixed default rules), allowed by hash only: nothing else inline is allowed.
        "style-src": ["'self'", *VIDEOJS_STYLE_HASHES],
        "img-src": ["'self'", "data:"],
        # data: for the VideoJS icon font that Bootstrap Italia's CSS embeds (a font cannot run script).
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Behind a reverse proxy, how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR, the direct peer).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# Login throttling (django-axes): 5 failures for the same (username, IP) lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "grants.core.security.lockout_response"  # templates/axes/lockout.html, 429
AXES_USERNAME_CALLABLE = "grants.core.security.login_username"
AXES_CLIENT_IP_CALLABLE = "grants.core.requestcontext.client_ip"
AXES_VERBOSE = False
# django-allauth's own per-account limit on failed sign-ins would answer before axes (200 with a form error);
# axes is the one lockout per (username, IP). allauth keeps its per-IP burst limit across usernames.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# --- Logging: one line per event on stdout; the platform collects it ---------------------------------------
# LOG_FORMAT=json (default in production) writes one JSON object per line: time, level, logger, message,
# request_id (from X-Request-ID or generated; carried into Celery tasks) and any ``extra`` fields.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "grants.core.requestcontext.RequestIdLogFilter"}},
    "formatters": {
        "json": {"()": "grants.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO level.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "xmlschema")},
}
# Errors also go to Sentry when SENTRY_DSN is set and sentry-sdk is installed (grants/ops/sentry.py).

# --- Programme data ---------------------------------------------------------------------------------------
DEFAULT_PROGRAMME_CODE = os.environ.get("DEFAULT_PROGRAMME_CODE", "wecare")

# --- Click day: who numbers the arrivals (grants/applications/services/sequencer.py) ------------------------
# "process": the sequencer process (manage.py run_sequencer: systemd unit, compose service, `make run`)
# numbers them; "inline": the submitting request numbers them right after its commit (tests, bare runserver).
SUBMISSION_SEQUENCER = os.environ.get("SUBMISSION_SEQUENCER", "process" if PRODUCTION else "inline")
if SUBMISSION_SEQUENCER not in {"process", "inline"}:
    raise ImproperlyConfigured("SUBMISSION_SEQUENCER must be 'process' or 'inline'.")

# --- Background tasks (Celery): Redis broker when REDIS_URL is set, inline in the web process otherwise ----
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Inline, a task that fails for good is recorded as a FailedTask; the page that sent it carries on.
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest task: an unacknowledged message is redelivered after this (acks_late tasks).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600)),
}
CELERY_FAILED_TASK_RETENTION_DAYS = int(os.environ.get("CELERY_FAILED_TASK_RETENTION_DAYS", 90))

# --- Metrics (/metrics, Prometheus text format): only from these networks or with the bearer token ---------
# Under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty directory per node) so the workers' counters add up.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Backups (manage.py backup / restore) -------------------------------------------------------------------
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", 14))

# --- API ---------------------------------------------------------------------------------------------------
# Requests per client (token, else user, else IP) and window; None disables. Tests set their own limits: the
# local-memory cache would otherwise count the whole suite as one client.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/min") if ENV != "test" else None

# --- SEPA credit transfers (pain.001.001.03) of approved payments: the paying body's account ---------------
# The treasury account of the Region; the defaults are a well-formed example for development and tests only.
SEPA_DEBTOR_NAME = os.environ.get("SEPA_DEBTOR_NAME", "Regione Piemonte")
SEPA_DEBTOR_IBAN = os.environ.get("SEPA_DEBTOR_IBAN", "IT60X0542811101000000123456")
SEPA_DEBTOR_BIC = os.environ.get("SEPA_DEBTOR_BIC", "")

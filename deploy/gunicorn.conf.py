"""Gunicorn settings for one app node: ``gunicorn -c deploy/gunicorn.conf.py config.wsgi``.

Everything can be overridden from the environment (the systemd unit and the container read
/etc/wecare/wecare.env). The app is stateless: run as many nodes as needed behind nginx.
"""

import multiprocessing
import os
from pathlib import Path

# 2 × cores + 1 synchronous workers: the usual sizing for a database-bound Django app. When several
# instances share one host (wecare-web@8001, @8002…), divide: set WEB_CONCURRENCY per instance.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "config.wsgi:application"

# A request longer than this is killed (uploads are buffered by nginx first, so this is app time only).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, staggered, so a slow leak never takes a node down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# No cold workers: the master imports Django and the application once, warms what the first request would
# load (config/warm.py: URLs, compiled templates, translations, static manifest) and forks warm workers,
# including the ones that replace a recycled worker. Nothing opens a database connection, a thread or a Redis
# socket at import time (Django's cache and Celery connect lazily; warm() closes the database connections),
# so nothing is shared across the fork. GUNICORN_PRELOAD=false loads and warms in each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() in {"1", "true", "yes", "on"}

# nginx sets X-Forwarded-Proto/For; trust them only from the proxy's addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Logs on stdout/stderr (journald or the container runtime collects them); the access line carries the
# request id nginx generated, the same one the application writes in its JSON lines.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'

# Heartbeat files on a RAM disk when there is one (containers often mount /tmp on overlayfs).
if Path("/dev/shm").is_dir():  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108


# Prometheus multiprocess mode (grants/ops/metrics.py): each worker writes its counters to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The directory must start empty (old files would be
# counted again) and a dead worker's live gauges must be dropped.
def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def _warm(log):
    from django.db import connections

    from config.warm import warm

    log.info("warmed: %s", warm())
    connections.close_all()


def when_ready(server):
    # With preload_app the application is loaded already, before the first worker is forked.
    if server.cfg.preload_app:
        _warm(server.log)


def post_worker_init(worker):
    if not worker.cfg.preload_app:
        _warm(worker.log)
    # Before this worker takes traffic: its own database connection, Redis pool and first reads of the public
    # pages (config/warm.py), so the first reader after a fork or a recycle is served as the hundredth is.
    if os.environ.get("GUNICORN_WARM_WORKER", "true").strip().lower() in {"1", "true", "yes", "on"}:
        from config.warm import warm_worker

        done = warm_worker()
        worker.log.info("worker warmed: %d of %d pages in %.3f s", done["ok"], done["pages"], done["seconds"])


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

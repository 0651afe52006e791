#!/usr/bin/env bash
# Public pages under a crowd: a dedicated PostgreSQL database with the WECARE programme and the demo data,
# gunicorn with deploy/gunicorn.conf.py and production settings on loopback, Redis db 12 as the cache, and
# wrk on every public page, straight to gunicorn and through nginx with the deploy configuration; plus the
# ceiling of a bare Django view (one SELECT 1, no middleware) and the first request of a recycled worker with
# and without preload. Everything it starts it stops; the database is dropped, Redis db 12 flushed.
#
#   bench/pages/run.sh                 # make bench-pages
#   DURATION=3 bench/pages/run.sh      # a quick check that it works end to end
#
# Knobs (environment): DURATION WORKERS CONNECTIONS WRK_THREADS PORT BARE_PORT NGINX_PORT PAGES_DB REDIS_DB
# OUT KEEP_DB=1 LABEL NGINX=0 (skip the nginx pass).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-8097}
BARE_PORT=${BARE_PORT:-8096}
NGINX_PORT=${NGINX_PORT:-8098}
PAGES_DB=${PAGES_DB:-benchpages}
REDIS_DB=${REDIS_DB:-12}
OUT=${OUT:-/tmp/benchpages/$(date +%Y%m%d-%H%M%S)-w${WORKERS}c${CONNECTIONS}}
LABEL=${LABEL:-"$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"}
NGINX=${NGINX:-1}
PY=.venv/bin/python
PG="-h 127.0.0.1 -p 5432 -U postgres"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
if [ "$NGINX" = 1 ] && ! command -v nginx >/dev/null; then
    echo "nginx is missing: the nginx pass is skipped (NGINX=0)" >&2
    NGINX=0
fi
redis-cli -n "$REDIS_DB" ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 2; }
mkdir -p "$OUT/wrk"
log() { printf '[pages %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

export DJANGO_SETTINGS_MODULE=config.settings DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY="${SECRET_KEY:-pages-bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export PARTICIPANT_ID_HASH_KEY="${PARTICIPANT_ID_HASH_KEY:-pages-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export SECURE_SSL_REDIRECT=false CONN_MAX_AGE=600 LOG_LEVEL=${LOG_LEVEL:-WARNING}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${PAGES_DB}"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null

GUNICORN_PID=""
NGINX_PREFIX="$OUT/nginx"
stop_gunicorn() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.25; done
    fi
    GUNICORN_PID=""
}
cleanup() {
    stop_gunicorn
    if [ -f "$NGINX_PREFIX/nginx.pid" ]; then
        nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -s quit 2>/dev/null || true
    fi
    if [ "${KEEP_DB:-0}" != 1 ]; then dropdb $PG --if-exists "$PAGES_DB" 2>/dev/null || true; fi
    redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
}
trap cleanup EXIT

wait_for() {  # wait_for URL: until it answers 200
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.25
    done
    curl -fsS -o /dev/null "$1"
}

start_gunicorn() {  # start_gunicorn WORKERS [env assignments...]: the app with deploy/gunicorn.conf.py
    local workers=$1
    shift
    env GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="$workers" GUNICORN_ACCESSLOG=/dev/null \
        GUNICORN_MAX_REQUESTS=0 GUNICORN_MAX_REQUESTS_JITTER=0 "$@" \
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py >>"$OUT/gunicorn.log" 2>&1 &
    GUNICORN_PID=$!
    wait_for "http://127.0.0.1:$PORT/health/"
}

bench() {  # bench TARGET NAME URL
    log "wrk $1 $2 ($3)"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$3" >"$OUT/wrk/$1--$2.txt"
}

log "database $PAGES_DB (fresh), migrations, WECARE programme and demo data"
dropdb $PG --if-exists "$PAGES_DB"
createdb $PG "$PAGES_DB"
$PY manage.py migrate --noinput >"$OUT/migrate.log"
# The demo data (WECARE, calls, rankings, projects) load in the development profile: production refuses
# the demo accounts' known TOTP secret. The pages are then served with production settings.
DJANGO_ENV=development DEBUG=false $PY manage.py load_demo >"$OUT/load_demo.log"
$PY manage.py collectstatic --noinput -v0 >"$OUT/collectstatic.log"  # production serves the hashed names
$PY bench/pages/urls.py >"$OUT/pages.txt"
cat "$OUT/pages.txt"

log "ceiling: bare Django (one SELECT 1, no middleware), $WORKERS workers on :$BARE_PORT"
DJANGO_SETTINGS_MODULE=bench.bare.settings .venv/bin/gunicorn -w "$WORKERS" -b "127.0.0.1:$BARE_PORT" \
    --access-logfile /dev/null bench.bare.wsgi:application >"$OUT/bare.log" 2>&1 &
GUNICORN_PID=$!
wait_for "http://127.0.0.1:$BARE_PORT/"
bench bare bare "http://127.0.0.1:$BARE_PORT/"
stop_gunicorn

start_gunicorn "$WORKERS"
if [ "$NGINX" = 1 ]; then
    mkdir -p "$NGINX_PREFIX/cache" "$NGINX_PREFIX/temp"
    $PY bench/pages/nginx_conf.py "$NGINX_PREFIX" "$NGINX_PORT" "$PORT" >"$NGINX_PREFIX/nginx.conf"
    nginx -t -q -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" 2>"$NGINX_PREFIX/test.log" \
        || { cat "$NGINX_PREFIX/test.log" >&2; exit 1; }
    nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" 2>>"$NGINX_PREFIX/error.log"
    wait_for "http://127.0.0.1:$NGINX_PORT/"
fi
# Warm every worker (database connection, first page of each kind), as a server is before a crowd comes.
wrk -t1 -c$((WORKERS * 2)) -d2s "http://127.0.0.1:$PORT/health/" >"$OUT/warmup.txt"
cat /proc/loadavg >"$OUT/loadavg.txt"
bench direct health "http://127.0.0.1:$PORT/health/"
while read -r name path; do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT$path"
    bench direct "$name" "http://127.0.0.1:$PORT$path"
    if [ "$NGINX" = 1 ]; then
        # One reader first, as on a click day when the crowd finds the page already in nginx's cache: without
        # it the first wave of 64 waits on proxy_cache_lock, which nginx polls every 500 ms (a cold-cache
        # figure, not the steady state; renewals then happen in the background, proxy_cache_background_update).
        curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT$path"
        bench nginx "$name" "http://127.0.0.1:$NGINX_PORT$path"
    fi
done <"$OUT/pages.txt"
cat /proc/loadavg >>"$OUT/loadavg.txt"
stop_gunicorn

# The first request a new worker serves, with the master preloaded and warm (the default) and without
# (every worker imports Django itself, as before): one worker, killed, so the next request is the new one's.
first_request() {  # first_request MODE PRELOAD
    start_gunicorn 1 GUNICORN_PRELOAD="$2"
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/?warm=0"
    local worker booted
    worker=$(pgrep -P "$GUNICORN_PID" | head -1)
    # A new worker takes traffic once it is warmed (post_worker_init: config/warm.py warm_worker); with
    # several workers the others serve meanwhile. Wait for that line (or the boot line when warming is off).
    local ready="worker warmed"
    [ "${GUNICORN_WARM_WORKER:-true}" = false ] && ready="Booting worker"
    booted=$(grep -c "$ready" "$OUT/gunicorn.log" || true)
    kill -TERM "$worker"
    for _ in $(seq 1 400); do
        [ "$(grep -c "$ready" "$OUT/gunicorn.log" || true)" -gt "$booted" ] && break
        sleep 0.05
    done
    local first
    # Query strings never asked before: the first request and the warm ones all render the page (no cache hit).
    local run=$RANDOM$RANDOM
    first=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/?first=$run")
    local times=()
    for i in $(seq 1 21); do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/?warm=$run-$i")")
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 11p)
    printf '%s\t%.1f\t%.1f\n' "$1" "$(echo "$first * 1000" | bc -l)" "$(echo "$median * 1000" | bc -l)" \
        >>"$OUT/first-request.tsv"
    stop_gunicorn
}
log "first request of a recycled worker"
: >"$OUT/first-request.tsv"
first_request "preloaded (preload_app, warm master)" true
first_request "not preloaded (each worker loads Django)" false

$PY - "$OUT" "$WORKERS" "$CONNECTIONS" "$DURATION" "$LABEL" <<'PYEOF'
import json, sys
from pathlib import Path
out, workers, connections, duration, label = sys.argv[1:]
paths = dict(line.split(" ", 1) for line in (Path(out) / "pages.txt").read_text().splitlines())
paths.update({"bare": "/ (bench.bare)", "health": "/health/"})
meta = {"workers": int(workers), "connections": int(connections), "duration": int(duration), "label": label,
        "loadavg": (Path(out) / "loadavg.txt").read_text().split("\n")[:2], "paths": paths}
(Path(out) / "meta.json").write_text(json.dumps(meta, indent=2))
PYEOF
$PY bench/pages/report.py "$OUT"
log "results in $OUT (result.json, result.md)"

#!/usr/bin/env bash
# The click day under faults: kill -9 one gunicorn worker mid-run, kill -9 the leading sequencer (the standby
# takes over), then restart PostgreSQL mid-run; afterwards the clients retry what was not accepted (same
# Idempotency-Key), the sequencers number what arrived, and the integrity check must pass with every applicant
# submitted exactly once, numbered in arrival order without a gap, while every refusal the clients saw was a
# clean 503 + Retry-After.
#
#   bench/clickday/faults.sh                  # make bench-clickday-faults
#
# PostgreSQL is restarted, so the run uses its own throw-away cluster (initdb in a temporary directory, port
# FAULT_PGPORT), never the shared server other people's tests use. Knobs: APPLICANTS (1500) BUDGET_FOR (1000)
# DURATION (24 s) WORKERS (3) CONNECTIONS (16) KILL_AT (6 s) LEADER_KILL_AT (9 s) PG_RESTART_AT (12 s)
# FAULT_PGPORT (55432) PORT (8098) OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."

APPLICANTS=${APPLICANTS:-1500}
BUDGET_FOR=${BUDGET_FOR:-1000}
DURATION=${DURATION:-24}
WORKERS=${WORKERS:-3}
CONNECTIONS=${CONNECTIONS:-16}
KILL_AT=${KILL_AT:-6}
LEADER_KILL_AT=${LEADER_KILL_AT:-9}
PG_RESTART_AT=${PG_RESTART_AT:-12}
FAULT_PGPORT=${FAULT_PGPORT:-55432}
PORT=${PORT:-8098}
OUT=${OUT:-/tmp/clickday/$(date +%Y%m%d-%H%M%S)-faults}
PY=.venv/bin/python
PGBIN=/usr/lib/postgresql/15/bin
PGDATA_DIR=$(mktemp -d /tmp/clickday-faults-pg.XXXXXX)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$OUT"
log() { printf '[faults %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/faults.log"; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_ctl_() { as_postgres "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -w "$@"; }

GUNICORN_PID=""
SEQUENCERS=()
cleanup() {
    for pid in "${SEQUENCERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.5; done
    fi
    pg_ctl_ stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$PGDATA_DIR"
    if [ -n "${REDIS_URL:-}" ]; then redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log "private PostgreSQL 15 on 127.0.0.1:$FAULT_PGPORT (fsync on, as in production)"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR"
as_postgres "$PGBIN/initdb" -D "$PGDATA_DIR/data" -U postgres -A trust >"$OUT/initdb.log"
pg_ctl_ -l "$PGDATA_DIR/server.log" \
    -o "-p $FAULT_PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null

export DJANGO_SETTINGS_MODULE=config.settings DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-clickday-faults-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export PARTICIPANT_ID_HASH_KEY="${PARTICIPANT_ID_HASH_KEY:-clickday-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export SECURE_SSL_REDIRECT=false CONN_MAX_AGE=600 LOG_LEVEL=${LOG_LEVEL:-INFO} SUBMISSION_SEQUENCER=process
export DATABASE_URL="postgres://postgres@127.0.0.1:${FAULT_PGPORT}/clickday"
# As in production (and run.sh): receipts and e-mails queued on Redis, not run inline by the sequencer.
REDIS_DB=${REDIS_DB:-13}
if redis-cli -n "$REDIS_DB" ping >/dev/null 2>&1; then
    export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
    redis-cli -n "$REDIS_DB" flushdb >/dev/null
else
    echo "Redis is not answering on 127.0.0.1:6379: tasks run inline (not production-like)" >&2
fi
"$PGBIN/createdb" -h 127.0.0.1 -p "$FAULT_PGPORT" -U postgres clickday

log "migrations, then $APPLICANTS applicants (budget for $BUDGET_FOR)"
$PY manage.py migrate --noinput >"$OUT/migrate.log"
$PY bench/clickday/prepare.py --applicants "$APPLICANTS" --budget-for "$BUDGET_FOR" --out "$OUT/lines.tsv" \
    >"$OUT/prepare.log"

log "gunicorn: $WORKERS workers on 127.0.0.1:$PORT"
GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=$WORKERS GUNICORN_THREADS=1 \
    GUNICORN_ACCESSLOG="$OUT/access.log" .venv/bin/gunicorn -c deploy/gunicorn.conf.py >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/"
wrk -t1 -c$((WORKERS * 2)) -d2s "http://127.0.0.1:$PORT/health/" >"$OUT/warmup.txt"
log "two sequencers (one leads, one stands by)"
for n in 1 2; do
    $PY manage.py run_sequencer --retry 0.2 >"$OUT/sequencer-$n.log" 2>&1 &
    SEQUENCERS+=($!)
    sleep 1  # the first one started leads
done
$PY bench/clickday/prepare.py open --at "$($PY -c 'import datetime as d; print(d.datetime.now(d.timezone.utc).isoformat())')"

cat /proc/loadavg >"$OUT/loadavg.txt"
log "window open: wrk -c$CONNECTIONS -d${DURATION}s; kill -9 a worker at +${KILL_AT}s, restart PostgreSQL at +${PG_RESTART_AT}s"
CLICKDAY_LINES="$OUT/lines.tsv" CLICKDAY_LOG="$OUT/responses" CLICKDAY_THREADS=1 \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s bench/clickday/submit.lua "http://127.0.0.1:$PORT" >"$OUT/wrk.txt" &
WRK_PID=$!
sleep "$KILL_AT"
VICTIM=$(pgrep -P "$GUNICORN_PID" | head -1)
log "kill -9 gunicorn worker $VICTIM"
kill -9 "$VICTIM"
sleep $((LEADER_KILL_AT - KILL_AT))
LEADER=""
for n in 1 2; do grep -q "sequencer: leading" "$OUT/sequencer-$n.log" && LEADER=${SEQUENCERS[$((n - 1))]} && break; done
log "kill -9 the leading sequencer $LEADER"
kill -9 "$LEADER"
sleep $((PG_RESTART_AT - LEADER_KILL_AT))
log "PostgreSQL restart (fast: open transactions are rolled back, connections dropped)"
pg_ctl_ restart -m fast -l "$PGDATA_DIR/server.log" >/dev/null
log "PostgreSQL is back"
wait "$WRK_PID" || true
cat /proc/loadavg >>"$OUT/loadavg.txt"

log "clients retry what was not accepted, with the same Idempotency-Key (honouring Retry-After)"
$PY bench/clickday/retry.py --lines "$OUT/lines.tsv" --responses "$OUT"/responses.* \
    --base "http://127.0.0.1:$PORT" --out "$OUT/retried.responses" | tee -a "$OUT/faults.log"

log "waiting for the standby sequencer to number the last arrivals"
for _ in $(seq 1 240); do
    [ "$(psql -h 127.0.0.1 -p "$FAULT_PGPORT" -U postgres -d clickday -tAc \
        'SELECT count(*) FROM applications_arrival WHERE sequenced_at IS NULL')" = 0 ] && break
    sleep 0.5
done
grep -h "leading\|leadership\|unavailable" "$OUT"/sequencer-*.log | tail -5 | tee -a "$OUT/faults.log" || true

log "integrity check (every applicant submitted exactly once; refusals only 503 + Retry-After)"
$PY bench/clickday/check.py --lines "$OUT/lines.tsv" --responses "$OUT"/responses.* "$OUT/retried.responses" \
    --wrk "$OUT/wrk.txt" --label "faults: $WORKERS workers, $CONNECTIONS connections" --workers "$WORKERS" \
    --connections "$CONNECTIONS" --duration "$DURATION" --loadavg "$OUT/loadavg.txt" --faults \
    --json "$OUT/result.json"
log "results in $OUT"

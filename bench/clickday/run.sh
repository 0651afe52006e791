#!/usr/bin/env bash
# The click-day benchmark: a dedicated PostgreSQL database, N prepared applicants, gunicorn with production
# settings on loopback and the sequencer process (manage.py run_sequencer), wrk submitting for D seconds
# after the window opens, the wait for the last protocol number, the integrity check; in the same run the
# reference ceilings (a bare Django SELECT 1 view and /health/, same workers and connections) and pgbench of
# the intake's durable statements and of the sequencer's batch. Everything it starts it stops; the database
# is dropped.
#
#   bench/clickday/run.sh                       # the full run (make bench-clickday)
#   SMOKE=1 bench/clickday/run.sh               # CI smoke: 300 applicants, 5 s, integrity only
#
# Knobs (environment): APPLICANTS BUDGET_FOR DURATION WORKERS THREADS CONNECTIONS WRK_THREADS MAX_REQUESTS
# PGBENCH_SECONDS (0 = skip) CEILING_SECONDS (0 = skip) BATCH_SIZE PORT CLICKDAY_DB REDIS_DB OUT KEEP_DB=1
# LABEL.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${SMOKE:-0}" = 1 ]; then
    : "${APPLICANTS:=300}" "${BUDGET_FOR:=100}" "${DURATION:=5}" "${WORKERS:=2}" "${THREADS:=1}"
    : "${CONNECTIONS:=4}" "${PGBENCH_SECONDS:=0}" "${CEILING_SECONDS:=0}" "${CLICKDAY_DB:=clickday_smoke_$$}"
fi
APPLICANTS=${APPLICANTS:-60000}
BUDGET_FOR=${BUDGET_FOR:-20000}
DURATION=${DURATION:-60}
WORKERS=${WORKERS:-5}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
MAX_REQUESTS=${MAX_REQUESTS:-2000}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-30}
CEILING_SECONDS=${CEILING_SECONDS:-10}
BATCH_SIZE=${BATCH_SIZE:-500}
REDIS_DB=${REDIS_DB:-14}
PORT=${PORT:-8099}
CLICKDAY_DB=${CLICKDAY_DB:-clickday}
OUT=${OUT:-/tmp/clickday/$(date +%Y%m%d-%H%M%S)-w${WORKERS}t${THREADS}c${CONNECTIONS}}
LABEL=${LABEL:-"${WORKERS} workers x ${THREADS} threads, ${CONNECTIONS} connections"}
PY=.venv/bin/python
PG="-h 127.0.0.1 -p 5432 -U postgres"
PGBIN=/usr/lib/postgresql/15/bin

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$OUT"
log() { printf '[clickday %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# Production profile on plain http over loopback; the same SECRET_KEY signs the prepared sessions.
export DJANGO_SETTINGS_MODULE=config.settings DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-clickday-bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export PARTICIPANT_ID_HASH_KEY="${PARTICIPANT_ID_HASH_KEY:-clickday-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}"
export SECURE_SSL_REDIRECT=false CONN_MAX_AGE=600 LOG_LEVEL=${LOG_LEVEL:-INFO} SUBMISSION_SEQUENCER=process
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${CLICKDAY_DB}"
# As in production, the receipt PDF and the e-mails go to a Celery queue on Redis (a worker on another node
# drains it): without a broker the tasks would run inline and every submission would render its PDF in the
# request. No worker runs here: the queue is what the web tier hands over, emptied when the run ends.
if redis-cli -n "$REDIS_DB" ping >/dev/null 2>&1; then
    export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
    redis-cli -n "$REDIS_DB" flushdb >/dev/null
else
    echo "Redis is not answering on 127.0.0.1:6379: tasks run inline in the requests (not production-like)" >&2
fi

GUNICORN_PID=""
SEQUENCER_PID=""
BARE_PID=""
stop() {  # stop <pid>: TERM, then wait up to 15 s
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
    fi
}
cleanup() {
    stop "$GUNICORN_PID"
    stop "$SEQUENCER_PID"
    stop "$BARE_PID"
    if [ "${KEEP_DB:-0}" != 1 ]; then dropdb $PG --if-exists "$CLICKDAY_DB" 2>/dev/null || true; fi
    if [ -n "${REDIS_URL:-}" ]; then redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log "database $CLICKDAY_DB (fresh), migrations"
dropdb $PG --if-exists "$CLICKDAY_DB"
createdb $PG "$CLICKDAY_DB"
$PY manage.py migrate --noinput >"$OUT/migrate.log"

log "prepare: $APPLICANTS applicants, budget for $BUDGET_FOR"
$PY bench/clickday/prepare.py --applicants "$APPLICANTS" --budget-for "$BUDGET_FOR" --out "$OUT/lines.tsv" \
    | tee "$OUT/prepare.log"

log "gunicorn: $WORKERS workers x $THREADS threads on 127.0.0.1:$PORT (max_requests $MAX_REQUESTS)"
GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=$WORKERS GUNICORN_THREADS=$THREADS \
    GUNICORN_MAX_REQUESTS=$MAX_REQUESTS GUNICORN_ACCESSLOG="$OUT/access.log" \
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py >"$OUT/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/" 2>/dev/null && break
    sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/"
# Warm every worker (imports, database connection) as a real server is warm before the window opens.
wrk -t1 -c$((WORKERS * THREADS * 2)) -d2s "http://127.0.0.1:$PORT/health/" >"$OUT/warmup.txt"
CEILING_ARGS=()
if [ "$CEILING_SECONDS" != 0 ]; then
    # The reference ceiling of any Django endpoint here: a bare Django view doing SELECT 1 (bench/bare: no
    # middleware, no apps), the same gunicorn worker count, the same connections and load generator.
    BARE_PORT=$((PORT + 1))
    DJANGO_SETTINGS_MODULE=bench.bare.settings .venv/bin/gunicorn bench.bare.wsgi -w "$WORKERS" \
        --threads "$THREADS" -b "127.0.0.1:$BARE_PORT" >"$OUT/bare-gunicorn.log" 2>&1 &
    BARE_PID=$!
    for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$BARE_PORT/" 2>/dev/null && break; sleep 0.5; done
    wrk -t1 -c$((WORKERS * THREADS * 2)) -d2s "http://127.0.0.1:$BARE_PORT/" >/dev/null
    log "bare Django ceiling: wrk -c$CONNECTIONS -d${CEILING_SECONDS}s (SELECT 1, no middleware)"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${CEILING_SECONDS}s" --latency "http://127.0.0.1:$BARE_PORT/" \
        >"$OUT/bare.txt"
    stop "$BARE_PID"
    BARE_PID=""
    CEILING_ARGS+=(--bare "$OUT/bare.txt")
    # The web tier's ceiling on this machine: the same server, connections and load generator on the cheapest
    # request it serves (/health/: one SELECT 1). No endpoint, the submission included, can go faster.
    log "ceiling: wrk -c$CONNECTIONS -d${CEILING_SECONDS}s /health/"
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${CEILING_SECONDS}s" --latency "http://127.0.0.1:$PORT/health/" \
        >"$OUT/ceiling.txt"
    CEILING_ARGS+=(--ceiling "$OUT/ceiling.txt")
fi

log "sequencer: manage.py run_sequencer (batches of $BATCH_SIZE)"
# Ahead of the web workers, as its systemd unit (CPUWeight=400) and compose service (cpu_shares) put it on a
# shared host: here every process shares the two cores in one group, so a lower nice value stands for it.
SEQUENCER_NICE=${SEQUENCER_NICE:--5}
# (Without the right to raise a priority, nice says so and runs it as it is.)
nice -n "$SEQUENCER_NICE" $PY manage.py run_sequencer --batch-size "$BATCH_SIZE" >"$OUT/sequencer.log" 2>&1 &
SEQUENCER_PID=$!

OPENS_AT=$($PY -c 'import datetime as d; print((d.datetime.now(d.timezone.utc) + d.timedelta(seconds=3)).isoformat())')
$PY bench/clickday/prepare.py open --at "$OPENS_AT"
$PY -c "import datetime as d, time; t = d.datetime.fromisoformat('$OPENS_AT'); \
time.sleep(max(0.0, (t - d.datetime.now(d.timezone.utc)).total_seconds()) + 0.05)"

cat /proc/loadavg >"$OUT/loadavg.txt"  # the machine is shared: what else ran is part of the result
log "window open: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s"
CLICKDAY_LINES="$OUT/lines.tsv" CLICKDAY_LOG="$OUT/responses" CLICKDAY_THREADS=$WRK_THREADS \
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s bench/clickday/submit.lua "http://127.0.0.1:$PORT" | tee "$OUT/wrk.txt"

cat /proc/loadavg >>"$OUT/loadavg.txt"
kill -TERM "$GUNICORN_PID"
wait "$GUNICORN_PID" 2>/dev/null || true
GUNICORN_PID=""
log "waiting for the sequencer to number the last arrivals"
for _ in $(seq 1 240); do
    [ "$(psql $PG -d "$CLICKDAY_DB" -tAc 'SELECT count(*) FROM applications_arrival WHERE sequenced_at IS NULL')" = 0 ] && break
    sleep 0.5
done
stop "$SEQUENCER_PID"
SEQUENCER_PID=""

PGBENCH_ARGS=()
if [ "$PGBENCH_SECONDS" != 0 ]; then
    PGB_APPLICATIONS=400000
    psql $PG -q -d "$CLICKDAY_DB" -v budget=$((BUDGET_FOR * 50000)) -v applications=$PGB_APPLICATIONS \
        -f bench/clickday/pgbench_setup.sql
    log "pgbench of the sequencer's batch: -c 1 (one leader), batches of $BATCH_SIZE, 10 s"
    $PGBIN/pgbench $PG -n -M prepared -c 1 -T 10 -D batch="$BATCH_SIZE" \
        -f bench/clickday/pgbench_sequencer.sql "$CLICKDAY_DB" | tee "$OUT/pgbench-sequencer.txt"
    log "pgbench of the intake: -c $((WORKERS * THREADS)) -T $PGBENCH_SECONDS"
    $PGBIN/pgbench $PG -n -M prepared -c $((WORKERS * THREADS)) -j 2 -T "$PGBENCH_SECONDS" \
        -D applications=$PGB_APPLICATIONS -f bench/clickday/pgbench_intake.sql "$CLICKDAY_DB" \
        | tee "$OUT/pgbench.txt"
    PGBENCH_ARGS=(--pgbench "$OUT/pgbench.txt" --pgbench-sequencer "$OUT/pgbench-sequencer.txt" \
        --batch-size "$BATCH_SIZE")
fi

log "integrity check"
$PY bench/clickday/check.py --lines "$OUT/lines.tsv" --responses "$OUT"/responses.* --wrk "$OUT/wrk.txt" \
    --label "$LABEL" --workers "$WORKERS" --threads "$THREADS" --connections "$CONNECTIONS" \
    --duration "$DURATION" --loadavg "$OUT/loadavg.txt" "${PGBENCH_ARGS[@]}" "${CEILING_ARGS[@]}" \
    --json "$OUT/result.json"
log "results in $OUT"

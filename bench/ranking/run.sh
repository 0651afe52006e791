#!/usr/bin/env bash
# Ranking benchmark (bench/ranking/bench.py): own PostgreSQL database, migrate, 50,000 applications × 3
# evaluators × 8 criteria, then consolidation, ranking + allocation and renunciation timed through the
# services. KEEP_DB=1 reuses the filled database (the run resets the states it changes).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB="${BENCH_RANKING_DB:-bench_ranking}"
PGHOST="${PGHOST:-127.0.0.1}"
if [ "${KEEP_DB:-0}" != "1" ]; then
  dropdb -h "$PGHOST" -U postgres --if-exists "$DB"
  createdb -h "$PGHOST" -U postgres "$DB"
fi
export DATABASE_URL="postgres://postgres@${PGHOST}:5432/${DB}"
export DEBUG=false
.venv/bin/python manage.py migrate --noinput -v 0
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
uptime
.venv/bin/python bench/ranking/bench.py
uptime

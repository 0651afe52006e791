#!/usr/bin/env bash
# Dashboard benchmark (bench/dashboard/bench.py): own PostgreSQL database, migrate, 1,000,000 expense items,
# p95 of each dashboard query. KEEP_DB=1 reuses an existing database (skips data preparation).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB="${BENCH_DASHBOARD_DB:-bench_dashboard_h7}"
PGHOST="${PGHOST:-127.0.0.1}"
if [ "${KEEP_DB:-0}" != "1" ]; then
  dropdb -h "$PGHOST" -U postgres --if-exists "$DB"
  createdb -h "$PGHOST" -U postgres "$DB"
fi
export DATABASE_URL="postgres://postgres@${PGHOST}:5432/${DB}"
.venv/bin/python manage.py migrate --noinput -v 0
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
.venv/bin/python bench/dashboard/bench.py

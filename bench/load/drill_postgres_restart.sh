#!/usr/bin/env bash
# Fault drill: PostgreSQL restarted under a steady light load (issue 7 part 4).
#
#   bench/load/drill_postgres_restart.sh            # restarts the machine's PostgreSQL ONCE (a few seconds)
#   bench/load/drill_postgres_restart.sh --dry-run  # everything but the restart (checks the drill itself)
#
# PostgreSQL is shared by everyone working on this machine: the drill announces the restart, does it once, and
# checks with pg_isready that PostgreSQL is up again at the end (starting it if it is not).
#
# Creates the database ptdv_drill_pg (dropped at the end) with the demo data and a few load accounts, starts
# gunicorn (5 sync workers, CONN_MAX_AGE=60 with health checks, as configured) on 127.0.0.1:8733 with the shared
# Redis db 15 as cache (Redis is not touched), runs bench/load/drill_postgres.py: 6 users for 60 s (4 secretaries
# editing candidates, 2 boards opening the dashboard), the restart at 20 s. gunicorn is never restarted.
set -euo pipefail

LOAD_DB="${LOAD_DB:-ptdv_drill_pg}"
LOAD_PORT="${LOAD_PORT:-8733}"
LOAD_REDIS_URL="redis://127.0.0.1:6379/15"
DURATION="${DRILL_DURATION:-60}"
RESTART_AT="${DRILL_RESTART_AT:-20}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_VERSION="$(ls /etc/postgresql | head -1)"
RESTART="pg_ctlcluster --skip-systemctl-redirect $CLUSTER_VERSION main restart"
if [ "${1:-}" = "--dry-run" ]; then RESTART="true"; fi

STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$ROOT/bench/out"
export LOAD_LOGS_TO="$ROOT/bench/out/drill-postgres-$STAMP-logs"

ensure_postgres_up() {
    local i
    for i in $(seq 1 30); do
        if pg_isready -h 127.0.0.1 -p 5432 -q; then return 0; fi
        [ "$i" = 10 ] && pg_ctlcluster --skip-systemctl-redirect "$CLUSTER_VERSION" main start || true
        sleep 1
    done
    return 1
}
cleanup() {
    local code=$?
    ensure_postgres_up || echo "PostgreSQL is NOT answering: start it with pg_ctlcluster $CLUSTER_VERSION main start" >&2
    load_cleanup
    redis-cli -u "$LOAD_REDIS_URL" FLUSHDB >/dev/null || true
    say "pg_isready: $(pg_isready -h 127.0.0.1 -p 5432)"
    say "stopped gunicorn; dropped $LOAD_DB (exit $code)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_locust
load_env
db_create
db_prepare --secretaries 4 --candidates 5 --boards 2 --offices 1
start_gunicorn

if [ "$RESTART" != true ]; then
    echo "=================================================================================================="
    echo "ANNOUNCEMENT: in about $RESTART_AT s ($(date -d "+$RESTART_AT seconds" +%H:%M:%S)) this drill restarts the"
    echo "shared PostgreSQL on 127.0.0.1:5432 ONCE ($RESTART). Other tests may see connection errors for a few"
    echo "seconds. It is checked with pg_isready at the end."
    echo "=================================================================================================="
else
    say "dry run: no restart"
fi
"$LOAD_VENV/bin/python" "$ROOT/bench/load/drill_postgres.py" --base "http://127.0.0.1:$LOAD_PORT" \
    --fixture "$LOAD_TMP/fixture.json" --db-url "$DATABASE_URL" --restart "$RESTART" \
    --duration "$DURATION" --restart-at "$RESTART_AT" --out "$ROOT/bench/out/drill-postgres-$STAMP.json" \
    || drill_code=$?
echo "-- gunicorn log: errors (counted) --"
grep -E "^[a-zA-Z_.]+(Error|Exception):" "$LOAD_TMP/gunicorn.log" | cut -c1-150 | sort | uniq -c | sort -rn | head -8 || true
grep -cE "WORKER TIMEOUT|Booting worker" "$LOAD_TMP/gunicorn.log" | sed 's/^/worker timeouts or reboots (incl. 5 at start): /' || true
exit "${drill_code:-0}"

#!/usr/bin/env bash
# Fault drill: Redis stops while the app runs (issue 7 part 4). Uses its OWN redis-server on 127.0.0.1:6390
# (started here, stopped here): the shared Redis on 6379 is never touched.
#
#   bench/load/drill_redis_stop.sh
#
# Creates the database ptdv_drill_redis (dropped at the end), loads the demo data and a few load accounts, starts
# gunicorn on 127.0.0.1:8732 and a Celery worker, both with REDIS_URL=redis://127.0.0.1:6390/0 (broker and cache),
# then runs bench/load/drill_redis.py: pages and a PDF with Redis up; Redis stopped (pages, sign-in, an edit, a PDF
# request that must be answered "busy" within seconds); Redis started again ("Tạo lại" renders the PDF).
# Output: the checks and a summary; JSON in bench/out/drill-redis-<time>.json. Exit 1 if a check failed.
#
set -euo pipefail

LOAD_DB="${LOAD_DB:-ptdv_drill_redis}"
LOAD_PORT="${LOAD_PORT:-8732}"
DRILL_REDIS_PORT="${DRILL_REDIS_PORT:-6390}"
if [ "$DRILL_REDIS_PORT" = 6379 ]; then echo "never the shared Redis on 6379" >&2; exit 2; fi
LOAD_REDIS_URL="redis://127.0.0.1:$DRILL_REDIS_PORT/0"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STAMP="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$ROOT/bench/out"
export LOAD_LOGS_TO="$ROOT/bench/out/drill-redis-$STAMP-logs"
REDIS_PIDFILE="$LOAD_TMP/redis-$DRILL_REDIS_PORT.pid"
REDIS_START="redis-server --port $DRILL_REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
--pidfile $REDIS_PIDFILE --logfile $LOAD_TMP/redis.log"
REDIS_STOP="redis-cli -p $DRILL_REDIS_PORT shutdown nosave"

stop_drill_redis() {
    if [ -f "$REDIS_PIDFILE" ] && kill -0 "$(cat "$REDIS_PIDFILE")" 2>/dev/null; then
        redis-cli -p "$DRILL_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$REDIS_PIDFILE")" || true
    fi
}
cleanup() {
    local code=$?
    stop_drill_redis
    load_cleanup
    say "stopped gunicorn, the worker and the drill's redis-server on $DRILL_REDIS_PORT; dropped $LOAD_DB (exit $code)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if redis-cli -p "$DRILL_REDIS_PORT" ping >/dev/null 2>&1; then
    echo "something already answers on port $DRILL_REDIS_PORT: choose another DRILL_REDIS_PORT" >&2
    exit 2
fi
eval "$REDIS_START"
say "settings: ${DJANGO_SETTINGS_MODULE:-config.settings}"
say "drill redis-server on 127.0.0.1:$DRILL_REDIS_PORT, pid $(cat "$REDIS_PIDFILE")"

ensure_locust
load_env
db_create
db_prepare --secretaries 2 --candidates 3 --boards 1 --offices 2
start_gunicorn
start_worker

"$LOAD_VENV/bin/python" "$ROOT/bench/load/drill_redis.py" --base "http://127.0.0.1:$LOAD_PORT" \
    --fixture "$LOAD_TMP/fixture.json" --stop "$REDIS_STOP" --start "$REDIS_START" \
    --out "$ROOT/bench/out/drill-redis-$STAMP.json" || drill_code=$?
echo "-- gunicorn log: errors while Redis was down (first lines) --"
grep -E "Error|Exception" "$LOAD_TMP/gunicorn.log" | sort | uniq -c | sort -rn | head -8 || true
echo "-- worker log: broker connection --"
grep -iE "connection to broker lost|Cannot connect|Connected to redis|succeeded in" "$LOAD_TMP/worker.log" \
    | sed -E 's/^\[[^]]*\] //' | cut -c1-150 | uniq | tail -8 || true
exit "${drill_code:-0}"

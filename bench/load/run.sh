#!/usr/bin/env bash
# Load run (issue 7 part 3): 50 users of a district against gunicorn + PostgreSQL + Redis + a Celery worker,
# all on this machine, loopback only. Bounded: at most LOAD_USERS=50 users for LOAD_RUN_TIME (<= 3 min).
#
#   bench/load/run.sh                      # 50 users, spawn 10/s, 2 min
#   LOAD_RUN_TIME=30s LOAD_USERS=10 bench/load/run.sh     # quick try
#   LOAD_WAIT_IDLE=1 bench/load/run.sh     # first wait (up to 10 min) for a 1-minute load average below 1.5
#   LOAD_GUNICORN_WORKERS=3 LOAD_WORKER_NICE=10 bench/load/run.sh   # other gunicorn worker count; niced PDF worker
#
# Creates the database ptdv_load (dropped at the end), migrates, loads the demo data and bench/load/prepare.py's
# accounts and candidates, starts gunicorn (LOAD_GUNICORN_WORKERS=5 sync workers) on 127.0.0.1:LOAD_PORT and
# `celery -A config worker -Q celery,documents --concurrency 2` on Redis db 14 (flushed before and after: reserved
# for this run), runs locust headless and writes bench/out/load-<time>_{stats,stats_history,failures}.csv, an HTML
# report, the custom figures (PDF waits, edit conflicts) and the server logs. Everything it started is stopped on
# exit, whatever happens.
set -euo pipefail

LOAD_DB="${LOAD_DB:-ptdv_load}"
LOAD_PORT="${LOAD_PORT:-8731}"
LOAD_REDIS_DB="${LOAD_REDIS_DB:-14}"
LOAD_REDIS_URL="redis://127.0.0.1:6379/$LOAD_REDIS_DB"
USERS="${LOAD_USERS:-50}"
SPAWN="${LOAD_SPAWN_RATE:-10}"
RUN_TIME="${LOAD_RUN_TIME:-2m}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "$USERS" -gt 50 ]; then echo "at most 50 users on this shared machine" >&2; exit 2; fi
case "$RUN_TIME" in
    *h) echo "run time too long: $RUN_TIME" >&2; exit 2 ;;
    *m) [ "${RUN_TIME%m}" -le 3 ] || { echo "at most 3 minutes" >&2; exit 2; } ;;
    *s) [ "${RUN_TIME%s}" -le 180 ] || { echo "at most 180 s" >&2; exit 2; } ;;
esac

STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$ROOT/bench/out"
PREFIX="$OUT/load-$STAMP"
mkdir -p "$OUT"
export LOAD_LOGS_TO="$PREFIX-logs"

flush_redis() { redis-cli -u "$LOAD_REDIS_URL" FLUSHDB >/dev/null; }
cleanup() {
    local code=$?
    load_cleanup
    flush_redis || true
    say "stopped gunicorn and the worker, dropped $LOAD_DB (exit $code)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${LOAD_WAIT_IDLE:-}" ]; then
    deadline=$((SECONDS + 600))
    while :; do
        load1="$(cut -d' ' -f1 /proc/loadavg)"
        awk -v l="$load1" 'BEGIN { exit !(l < 1.5) }' && break
        [ $SECONDS -lt $deadline ] || { say "load average still $load1 after 10 min: running anyway"; break; }
        say "load average $load1 >= 1.5: waiting"
        sleep 20
    done
fi
say "before the run: $(uptime)"

ensure_locust
load_env
flush_redis
db_create
db_prepare
start_gunicorn
start_worker

say "locust: $USERS users, spawn $SPAWN/s, $RUN_TIME, http://127.0.0.1:$LOAD_PORT"
"$PY" "$ROOT/bench/load/cpu_account.py" snapshot "$LOAD_PORT" "$LOAD_DB" >"$LOAD_TMP/cpu-before.json"
(cd "$ROOT/bench/load" && LOAD_FIXTURE="$LOAD_TMP/fixture.json" LOAD_CUSTOM_OUT="$PREFIX-custom.json" \
    "$LOAD_VENV/bin/locust" -f locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN" \
    --run-time "$RUN_TIME" --stop-timeout 10 --host "http://127.0.0.1:$LOAD_PORT" \
    --csv "$PREFIX" --csv-full-history --html "$PREFIX.html" --only-summary --loglevel WARNING \
    >"$PREFIX-locust.txt" 2>&1) || locust_code=$?
"$PY" "$ROOT/bench/load/cpu_account.py" snapshot "$LOAD_PORT" "$LOAD_DB" >"$LOAD_TMP/cpu-after.json"
say "after the run: $(uptime)"
locust_cpu="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("locust_cpu_seconds", ""))' \
    "$PREFIX-custom.json" 2>/dev/null || true)"
"$PY" "$ROOT/bench/load/cpu_account.py" report "$LOAD_TMP/cpu-before.json" "$LOAD_TMP/cpu-after.json" $locust_cpu \
    | tee "$PREFIX-cpu.txt"
"$LOAD_VENV/bin/python" "$ROOT/bench/load/summarize.py" "$PREFIX" | tee "$PREFIX-summary.txt"
exit "${locust_code:-0}"

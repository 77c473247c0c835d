# Shared by bench/load/run.sh and the drills (sourced, not run): a dedicated database, gunicorn and a Celery worker
# in their own process groups, and a cleanup that always stops them.
#
# Callers set, before sourcing: LOAD_DB (a database name starting with ptdv_load or ptdv_drill), LOAD_PORT,
# LOAD_REDIS_URL. They must `trap load_cleanup EXIT`.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$ROOT/.venv/bin/python"
LOAD_VENV="$ROOT/bench/load/.venv"
PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
LOAD_TMP="$(mktemp -d /tmp/ptdv-load.XXXXXX)"
LOAD_PIDS=()
LOAD_DB_CREATED=""

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

case "${LOAD_DB:?LOAD_DB must be set}" in
    ptdv_load*|ptdv_drill*) ;;
    *) echo "refusing to use database $LOAD_DB (must start with ptdv_load or ptdv_drill)" >&2; exit 2 ;;
esac

load_env() {
    # The production shape on loopback: DEBUG off, plain http (no TLS proxy here), a throwaway secret key.
    export DATABASE_URL="$PG_URL_BASE/$LOAD_DB"
    export REDIS_URL="$LOAD_REDIS_URL"
    export SECRET_KEY="load-run-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
    export STATIC_ROOT="$LOAD_TMP/static" MEDIA_ROOT="$LOAD_TMP/media" VAR_DIR="$LOAD_TMP/var"
    # Many sign-ins from one address (127.0.0.1): the failed-login limiter must not get in the way.
    export LOGIN_RATE_LIMIT_ATTEMPTS=100000 LOGIN_RATE_LIMIT_IP_ATTEMPTS=100000
    export LOG_LEVEL="${LOG_LEVEL:-WARNING}" PYTHONUNBUFFERED=1
    unset TESTING
}

ensure_locust() {
    # locust is not a project dependency: it lives in its own venv (bench/load/.venv, ignored by git).
    if [ ! -x "$LOAD_VENV/bin/locust" ]; then
        say "installing locust into $LOAD_VENV"
        python3.11 -m venv "$LOAD_VENV"
        "$LOAD_VENV/bin/pip" install --quiet locust
    fi
}

db_create() {
    psql "$PG_URL_BASE/postgres" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $LOAD_DB WITH (FORCE)" \
        -c "CREATE DATABASE $LOAD_DB"
    LOAD_DB_CREATED=1
}

db_prepare() {
    # Migrate, demo data, the load accounts and candidates; the fixture the locustfile reads.
    local t0=$SECONDS
    (cd "$ROOT" && "$PY" manage.py migrate --noinput -v0)
    (cd "$ROOT" && "$PY" manage.py load_demo >"$LOAD_TMP/load_demo.log")
    grep -E "^Đã nạp" "$LOAD_TMP/load_demo.log"
    (cd "$ROOT" && "$PY" bench/load/prepare.py --out "$LOAD_TMP/fixture.json" "$@")
    (cd "$ROOT" && "$PY" manage.py collectstatic --noinput -v0)
    say "database $LOAD_DB ready in $((SECONDS - t0)) s"
}

wait_http() {
    local url="$1" deadline=$((SECONDS + ${2:-60}))
    until curl -fs -o /dev/null --max-time 2 "$url"; do
        if [ $SECONDS -ge $deadline ]; then echo "not answering: $url" >&2; return 1; fi
        sleep 0.5
    done
}

start_gunicorn() {
    local workers="${LOAD_GUNICORN_WORKERS:-5}"
    # shellcheck disable=SC2086  # LOAD_GUNICORN_ARGS is a list of options
    (cd "$ROOT" && exec setsid "$ROOT/.venv/bin/gunicorn" config.wsgi:application --bind "127.0.0.1:$LOAD_PORT" \
        --workers "$workers" --timeout 30 --graceful-timeout 5 ${LOAD_GUNICORN_ARGS:-} \
        >"$LOAD_TMP/gunicorn.log" 2>&1) &
    LOAD_PIDS+=("$!")
    GUNICORN_PID=$!
    wait_http "http://127.0.0.1:$LOAD_PORT/healthz/" 60
    say "gunicorn on 127.0.0.1:$LOAD_PORT ($workers workers ${LOAD_GUNICORN_ARGS:-sync}), pid $GUNICORN_PID"
}

start_worker() {
    local concurrency="${LOAD_WORKER_CONCURRENCY:-2}"
    # LOAD_WORKER_NICE: run the PDF renders at a lower CPU priority than the web requests (0 = same priority).
    (cd "$ROOT" && exec setsid nice -n "${LOAD_WORKER_NICE:-0}" "$ROOT/.venv/bin/celery" -A config worker \
        -Q celery,documents --concurrency "$concurrency" --loglevel=INFO -n "ptdv-load-$$@%h" >"$LOAD_TMP/worker.log" 2>&1) &
    LOAD_PIDS+=("$!")
    WORKER_PID=$!
    local deadline=$((SECONDS + 60))
    until grep -q "ready\." "$LOAD_TMP/worker.log" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then echo "worker not ready:" >&2; tail -20 "$LOAD_TMP/worker.log" >&2; return 1; fi
        sleep 0.5
    done
    say "celery worker -Q celery,documents (concurrency $concurrency, nice ${LOAD_WORKER_NICE:-0}), pid $WORKER_PID"
}

stop_group() {
    # SIGTERM to the whole process group, SIGKILL after 10 s.
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM -- "-$pid" 2>/dev/null || true
    for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

load_cleanup() {
    local pid
    for pid in "${LOAD_PIDS[@]}"; do stop_group "$pid"; done
    LOAD_PIDS=()
    if [ -n "$LOAD_DB_CREATED" ] && [ -z "${LOAD_KEEP_DB:-}" ]; then
        psql "$PG_URL_BASE/postgres" -q -c "DROP DATABASE IF EXISTS $LOAD_DB WITH (FORCE)" >/dev/null 2>&1 \
            || echo "could not drop $LOAD_DB (is PostgreSQL up?)" >&2
    fi
    if [ -n "${LOAD_LOGS_TO:-}" ]; then
        mkdir -p "$LOAD_LOGS_TO" && cp "$LOAD_TMP"/*.log "$LOAD_LOGS_TO"/ 2>/dev/null || true
    fi
    rm -rf "$LOAD_TMP"
}

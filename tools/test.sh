#!/usr/bin/env bash
# make test: a brand-new database with the three addons (and demo data), then every test
# of the three addons, browser tours included, through pytest-odoo.
source "$(dirname "$0")/lib.sh"

provision
require_chromium
"$PY" -c 'import websocket' 2>/dev/null || die "websocket-client is missing from $VENV: Odoo would skip every tour. Run: rm -rf .venv && make test"

DB="${TEST_DB:-active_sales_test}"
LOGDIR="$REPO/var/log"
mkdir -p "$LOGDIR"
start=$(date +%s)

drop_db "$DB"
install_db "$DB" "$OUR_ADDONS" "$LOGDIR/test-install.log"

step "Checking the ru and uk translations are complete"
PYTHONPATH="$ODOO_SRC" "$PY" "$REPO/tools/i18n.py" "$DB" check ||
    die "Translations are incomplete: run  KEEP_DB=1 make test; .venv/bin/python tools/i18n.py $DB update  and translate the new entries."

step "Running the addons' tests and tours (log: $LOGDIR/test.log)"
set +e
run_pytest "$DB" "$LOGDIR/test.log" --require-tours "$ADDONS"/*/tests
rc=$?
set -e

# Committed data and several connections: after the transactional tests, on the same database.
step "Racing two documents of one deal on real connections (bench/deal_race.py)"
if ! PYTHONPATH="$ODOO_SRC" "$PY" "$REPO/bench/deal_race.py" "$DB" --deals 10; then
    echo "0 passed, 1 failed (bench/deal_race.py)"
    rc=1
fi

# Its own "N passed, N failed" line is left in its log: the run's summary stays pytest's
# line above, or the "0 passed, 1 failed (...)" line of a step that failed.
race_log="$LOGDIR/test-client-status-race.log"
step "Racing two invoices of one client on real connections (bench/client_status_race.py, log: $race_log)"
race_rc=0
PYTHONPATH="$ODOO_SRC" "$PY" "$REPO/bench/client_status_race.py" "$DB" --clients 10 \
    >"$race_log" 2>&1 || race_rc=$?
grep -Ev '^[0-9]+ passed, [0-9]+ failed$' "$race_log" || true
if [ "$race_rc" -ne 0 ]; then
    echo "0 passed, 1 failed (bench/client_status_race.py)"
    rc=1
fi

step "Racing two requests on one client or one order (bench/client_base_race.py)"
if ! PYTHONPATH="$ODOO_SRC" "$PY" "$REPO/bench/client_base_race.py" "$DB" --pairs 5; then
    echo "0 passed, 1 failed (bench/client_base_race.py)"
    rc=1
fi

# Production runs --workers: HTTP workers, a cron worker and the gevent websocket worker.
step "Starting a prefork server on $DB: login page, websocket, cron (log: $LOGDIR/test-prefork.log)"
http_port=$(free_port)
gevent_port=$(free_port)
if ! PYTHONPATH="$ODOO_SRC" "$PY" "$REPO/tools/prefork_check.py" "$DB" "$http_port" "$gevent_port" \
        "$LOGDIR/test-prefork.log"; then
    echo "0 passed, 1 failed (prefork server check)"
    rc=1
fi

step "Checking that a missing Odoo is fetched (from a local repository)"
if ! "$REPO/tools/fetch_odoo_check.sh"; then
    echo "0 passed, 1 failed (fetch check)"
    rc=1
fi
[ -n "${KEEP_DB:-}" ] || drop_db "$DB"
echo "make test took $(( $(date +%s) - start )) s"
exit $rc

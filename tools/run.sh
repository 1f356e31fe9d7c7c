#!/usr/bin/env bash
# make run: the demo database with the three addons, served on http://localhost:8069.
# WORKERS=N: prefork mode as in production, N HTTP workers, one cron worker and the
# websocket (bus) worker on GEVENT_PORT (default PORT+3, so 8072).
source "$(dirname "$0")/lib.sh"

WORKERS="${WORKERS:-0}"
[[ "$WORKERS" =~ ^[0-9]+$ ]] || die "WORKERS=$WORKERS is not a number of HTTP workers: make run WORKERS=2"
provision
DB="${DEMO_DB:-active_sales_demo}"
PORT="${PORT:-8069}"
GEVENT_PORT="${GEVENT_PORT:-$((PORT + 3))}"
LOGDIR="$REPO/var/log"
mkdir -p "$LOGDIR"

if ! db_exists "$DB"; then
    install_db "$DB" "$OUR_ADDONS" "$LOGDIR/run-install.log"
fi
port_in_use() {
    "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $1)) != 0)"
}
if port_in_use "$PORT"; then
    die "Port $PORT is already in use (another Odoo?). Stop it, or choose another port: make run PORT=8070"
fi
MODE=()
if [ "$WORKERS" -gt 0 ]; then
    if port_in_use "$GEVENT_PORT"; then
        die "Port $GEVENT_PORT (websocket) is already in use. Stop it, or choose another: make run WORKERS=$WORKERS GEVENT_PORT=$((GEVENT_PORT + 1))"
    fi
    MODE=(--workers="$WORKERS" --max-cron-threads=1 --gevent-port="$GEVENT_PORT")
fi
cat <<LOGINS
==> Demo logins on http://localhost:$PORT (password = login):
      salesperson   Sofia Seller, salesperson of the "Active sales department" team
      head          Henry Head, head of sales
      accountant    Alice Accountant, billing and receivables
      warehouse     Walter Stock, warehouse
      admin         administrator (password admin)
LOGINS
step "Serving $DB on http://localhost:$PORT; Ctrl+C stops"
if [ "$WORKERS" -gt 0 ]; then
    step "Prefork mode: $WORKERS HTTP workers, 1 cron worker; the bus websocket on ws://localhost:$GEVENT_PORT/websocket"
    step "In production a reverse proxy must route /websocket to port $GEVENT_PORT and the rest to port $PORT"
fi
exec env PYTHONPATH="$ODOO_SRC" "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" --addons-path="$ADDONS" \
    -d "$DB" --http-port="$PORT" "${MODE[@]}" --log-level="${LOG_LEVEL:-info}"

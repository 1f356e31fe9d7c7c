#!/usr/bin/env bash
# make run: the demo database with the three addons, served on http://localhost:8069.
source "$(dirname "$0")/lib.sh"

provision
DB="${DEMO_DB:-active_sales_demo}"
PORT="${PORT:-8069}"
LOGDIR="$REPO/var/log"
mkdir -p "$LOGDIR"

if ! db_exists "$DB"; then
    install_db "$DB" "$OUR_ADDONS" "$LOGDIR/run-install.log"
fi
if "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
    die "Port $PORT is already in use (another Odoo?). Stop it, or choose another port: make run PORT=8070"
fi
step "Serving $DB on http://localhost:$PORT (login admin / password admin); Ctrl+C stops"
exec env PYTHONPATH="$ODOO_SRC" "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" --addons-path="$ADDONS" \
    -d "$DB" --http-port="$PORT" --log-level="${LOG_LEVEL:-info}"

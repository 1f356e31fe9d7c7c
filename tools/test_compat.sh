#!/usr/bin/env bash
# make test-compat: Odoo's own tests of the ERP we extend, run in a database where our
# three addons are installed, so that every override of ours is on the path they exercise.
source "$(dirname "$0")/lib.sh"

provision
require_chromium

DB="${TEST_DB:-active_sales_compat}"
LOGDIR="$REPO/var/log"
mkdir -p "$LOGDIR"
start=$(date +%s)

CORE="$ODOO_SRC/odoo/addons"
SUITES=(
    "$CORE/crm/tests"
    "$CORE/sale_crm/tests"
    "$CORE/sale_stock/tests"
    "$CORE/account/tests/test_account_move_out_invoice.py"
    "$CORE/account/tests/test_account_payment_register.py"
)

drop_db "$DB"
install_db "$DB" "crm,sale_crm,sale_stock,account,$OUR_ADDONS" "$LOGDIR/test-compat-install.log"

step "Running Odoo's crm, sale_crm, sale_stock and account invoice/payment tests (log: $LOGDIR/test-compat.log)"
set +e
run_pytest "$DB" "$LOGDIR/test-compat.log" --require-tours "${SUITES[@]}"
rc=$?
set -e
[ -n "${KEEP_DB:-}" ] || drop_db "$DB"
echo "make test-compat took $(( $(date +%s) - start )) s"
exit $rc

#!/usr/bin/env bash
# make test-oca: our three addons next to the OCA addons many of our users run with them
# (credit control: sale_financial_risk, account_financial_risk; account_financial_report;
# crm_stage_probability), all in one database, with the OCA addons' own tests and ours.
source "$(dirname "$0")/lib.sh"

OCA_REQUIREMENTS="$REPO/requirements-oca.txt"
# The wheels are installed with --target here, not into site-packages: see requirements-oca.txt.
OCA_TARGET="$VENV/oca"
OCA_ADDONS="$OCA_TARGET/odoo/addons"
OCA_MODULES="sale_financial_risk,account_financial_risk,account_financial_report,crm_stage_probability"

# The OCA wheels of requirements-oca.txt in $OCA_TARGET, (re)installed only when that file
# changed, as ensure_venv does for requirements.txt: make test never pays for them.
ensure_oca_addons() {
    local stamp="$OCA_TARGET/.requirements-oca.sha"
    local want
    want="$(sha1sum "$OCA_REQUIREMENTS" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    step "Installing the OCA addons of requirements-oca.txt into $OCA_TARGET (under a minute)"
    rm -rf "$OCA_TARGET"
    if ! "$PY" -m pip install -q --disable-pip-version-check --no-deps --target "$OCA_TARGET" \
            -r "$OCA_REQUIREMENTS" >"$VENV/pip-oca.log" 2>&1; then
        grep -v 'is ignored' "$VENV/pip-oca.log" | tail -20 >&2
        rm -rf "$OCA_TARGET"
        die "pip could not install requirements-oca.txt into $OCA_TARGET (log: $VENV/pip-oca.log)."
    fi
    echo "$want" >"$stamp"
}

# `import odoo` must be Odoo from $ODOO_SRC, and odoo.addons must not reach the OCA addons by
# itself (only through the addons path below): an OCA wheel pip-installed into site-packages
# would put them in every Odoo started from .venv.
check_odoo_resolution() {
    local problem
    problem="$(PYTHONPATH="$ODOO_SRC" "$PY" - "$ODOO_SRC" "$OCA_ADDONS" <<'EOF'
import os, sys
src, oca = (os.path.realpath(p) for p in sys.argv[1:])
import odoo, odoo.addons
if os.path.realpath(odoo.__file__) != os.path.join(src, "odoo", "__init__.py"):
    print(f"import odoo resolves to {odoo.__file__}, not to {src}")
extra = [p for p in odoo.__path__ if os.path.realpath(p) != os.path.join(src, "odoo")]
if extra:
    print(f"the odoo package also spans {', '.join(extra)} (an OCA wheel pip-installed into "
          "site-packages? pip uninstall it: make test-oca installs them into .venv/oca)")
leaked = [p for p in odoo.addons.__path__ if os.path.realpath(p).startswith(oca)]
if leaked:
    print(f"odoo.addons reaches {leaked[0]} without the addons path")
EOF
)"
    [ -z "$problem" ] || die "$problem"
}

provision
require_chromium
start=$(date +%s)
ensure_oca_addons
check_odoo_resolution

# This suite only: odoo_bin and run_pytest read $ADDONS.
ADDONS="$REPO/addons,$OCA_ADDONS"
DB="${TEST_DB:-active_sales_oca}"
LOGDIR="$REPO/var/log"
mkdir -p "$LOGDIR"

SUITES=()
for module in ${OCA_MODULES//,/ }; do
    SUITES+=("$OCA_ADDONS/$module/tests")
done
SUITES+=("$REPO"/addons/*/tests)
# Two OCA tests that cannot pass in this database whatever the addons do, each left out by
# its class and name (a new one failing still fails the run):
# - a browser test that skips itself without `website`, which neither sale_financial_risk
#   nor we depend on; a skipped browser test fails --require-tours, which guards our tours;
# - test_mass_update counts Odoo's own demo leads per stage (3 in Won): our demo adds two won
#   deals there by design. The rest of it (every stage, ours included, accepted by the mass
#   update, every deal then on its stage's probability) runs in sales_funnel's
#   test_stage_probability_oca.py, here.
# (-k rather than --deselect, which takes node ids as prefixes and would also drop
# test_mass_update_no_onchange_stage.)
LEAVE_OUT="not (TestRiskSalePayment and test_payment_risk_bypass)"
LEAVE_OUT+=" and not (TestCrmLeadProbability and test_mass_update and not test_mass_update_no)"

drop_db "$DB"
install_db "$DB" "sale_crm,sale_stock,account,$OCA_MODULES,$OUR_ADDONS" "$LOGDIR/test-oca-install.log"

step "Running the tests of $OCA_MODULES and of our addons (log: $LOGDIR/test-oca.log)"
set +e
run_pytest "$DB" "$LOGDIR/test-oca.log" --require-tours -k "$LEAVE_OUT" "${SUITES[@]}"
rc=$?
set -e
[ -n "${KEEP_DB:-}" ] || drop_db "$DB"
echo "make test-oca took $(( $(date +%s) - start )) s"
exit $rc

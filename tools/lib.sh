# shellcheck shell=bash
# Shared provisioning for `make run`, `make test` and `make test-compat`.
# Every check ends in one clear sentence on what is missing and how to get it.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Odoo 18: $ODOO_SRC when given; else /opt/odoo when it holds Odoo; else .odoo/ in the
# repository (git-ignored), cloned on first use from $ODOO_GIT_URL.
if [ -z "${ODOO_SRC:-}" ]; then
    if [ -f /opt/odoo/odoo-bin ]; then ODOO_SRC=/opt/odoo; else ODOO_SRC="$REPO/.odoo"; fi
fi
export ODOO_SRC
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
VENV="$REPO/.venv"
PY="$VENV/bin/python"
CONF="$REPO/config/odoo.conf"
ADDONS="$REPO/addons"
OUR_ADDONS="sales_funnel,active_sales,receivables"

die() {
    printf '\n*** %s\n\n' "$*" >&2
    exit 2
}

step() {
    printf '==> %s\n' "$*"
}

odoo_src_present() {
    [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/odoo/addons/crm" ]
}

# A shallow clone of the 18.0 branch into $ODOO_SRC, when it is missing or empty.
fetch_odoo() {
    if [ -e "$ODOO_SRC" ] && [ -n "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; then
        die "ODOO_SRC=$ODOO_SRC holds no Odoo 18 (need odoo-bin and odoo/addons/crm there).
    Point ODOO_SRC at an Odoo 18 tree, or at an empty or new folder to fetch one into."
    fi
    ensure_debian_package git git "to fetch Odoo"
    step "Fetching Odoo 18.0 into $ODOO_SRC: a shallow clone of $ODOO_GIT_URL (about 1.2 GB on disk, a few minutes)"
    if ! git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_SRC"; then
        rm -rf "$ODOO_SRC"
        die "Could not clone Odoo 18.0 from $ODOO_GIT_URL (offline?).
    Get it by hand:  git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git $ODOO_SRC
    or point ODOO_SRC at an existing Odoo 18 tree:  make test ODOO_SRC=/path/to/odoo
    or use Docker instead of the native path:       docker compose up"
    fi
}

require_odoo_src() {
    odoo_src_present || fetch_odoo
    if ! grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py"; then
        die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0 (see $ODOO_SRC/odoo/release.py)."
    fi
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(sha1sum "$REPO/requirements.txt" | cut -d' ' -f1)"
    if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    command -v python3.11 >/dev/null 2>&1 || die "Python 3.11 is missing: install python3.11 and python3.11-venv."
    step "Creating $VENV from requirements.txt (about 1 minute)"
    [ -x "$PY" ] || python3.11 -m venv "$VENV"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v 'is ignored' || true
    if ! "$PY" -m pip install -q --disable-pip-version-check -r "$REPO/requirements.txt" >"$VENV/pip.log" 2>&1; then
        grep -v 'is ignored' "$VENV/pip.log" | tail -20 >&2
        die "pip could not install requirements.txt into $VENV (log: $VENV/pip.log)."
    fi
    echo "$want" >"$stamp"
}

# PostgreSQL: the system cluster when there is one, else a private cluster in .pgdata/.
ensure_postgres() {
    command -v psql >/dev/null 2>&1 || ensure_debian_package psql postgresql "Odoo's database"
    if pg_isready -q 2>/dev/null; then
        ensure_pg_role
        return
    fi
    if [ -d "$REPO/.pgdata" ]; then
        start_private_cluster
        return
    fi
    if command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        local ver name
        read -r ver name _ < <(pg_lsclusters -h | sort -rn | head -1)
        step "Starting PostgreSQL cluster $ver/$name"
        if [ "$(id -u)" = 0 ]; then
            pg_ctlcluster "$ver" "$name" start || die "Could not start PostgreSQL $ver/$name: see /var/log/postgresql/."
        else
            sudo -n pg_ctlcluster "$ver" "$name" start 2>/dev/null || start_private_cluster
        fi
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 0.5; done
        pg_isready -q || die "PostgreSQL $ver/$name did not come up: see /var/log/postgresql/."
        ensure_pg_role
        return
    fi
    start_private_cluster
}

start_private_cluster() {
    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] || die "PostgreSQL is not installed.
    Install it with:  apt-get install -y postgresql   (15 or newer)"
    [ "$(id -u)" != 0 ] || die "A private PostgreSQL cluster cannot run as root: start the system cluster (pg_ctlcluster) instead."
    export PGHOST="$REPO/.pgdata/run" PGPORT=5432
    if [ ! -d "$REPO/.pgdata/data" ]; then
        step "Creating a private PostgreSQL cluster in .pgdata/"
        mkdir -p "$REPO/.pgdata/run"
        "$bindir/initdb" -q -D "$REPO/.pgdata/data" -U "$(id -un)" --auth=trust >/dev/null
    fi
    if ! pg_isready -q; then
        "$bindir/pg_ctl" -D "$REPO/.pgdata/data" -l "$REPO/.pgdata/server.log" -w \
            -o "-k $PGHOST -c listen_addresses=''" start >/dev/null ||
            die "The private PostgreSQL cluster did not start: see .pgdata/server.log."
    fi
}

# Odoo connects as the current OS user; it refuses the `postgres` role on purpose.
ensure_pg_role() {
    local me
    me="$(id -un)"
    [ "$me" != postgres ] || die "Do not run Odoo as the postgres user."
    if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        step "Creating PostgreSQL role $me"
        if [ "$(id -u)" = 0 ]; then
            su postgres -c "createuser --superuser '$me'" || die "Could not create the PostgreSQL role $me."
        else
            sudo -n -u postgres createuser --superuser "$me" 2>/dev/null ||
                die "No PostgreSQL role for $me. Create it:  sudo -u postgres createuser --superuser $me"
        fi
    fi
}

# Installs Debian package $2 when command $1 is missing and we may (root, or passwordless
# sudo); otherwise stops with the command to run.
ensure_debian_package() {
    local command="$1" package="$2" why="$3"
    command -v "$command" >/dev/null 2>&1 && return
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        sudo -n true 2>/dev/null || die "$package is missing: $why
    Install it with:  sudo apt-get update && sudo apt-get install -y $package"
        sudo="sudo -n"
    fi
    step "Installing the Debian package $package ($why)"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package"; } >/dev/null 2>&1; then
        die "Could not install $package: $why
    Install it with:  apt-get update && apt-get install -y $package"
    fi
}

require_chromium() {
    local candidate
    for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$candidate" >/dev/null 2>&1 && return
    done
    ensure_debian_package chromium chromium "without it every browser tour would be skipped"
}

# Odoo prints its PDF reports with wkhtmltopdf; without it a PDF opens as HTML.
require_wkhtmltopdf() {
    ensure_debian_package wkhtmltopdf wkhtmltopdf "Odoo renders PDF reports with it"
}

db_exists() {
    [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

drop_db() {
    dropdb --if-exists "$1"
    rm -rf "${HOME}/.local/share/Odoo/filestore/$1"
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

odoo_bin() {
    PYTHONPATH="$ODOO_SRC" "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" --addons-path="$ADDONS" "$@"
}

# Creates database $1 with the given modules (and demo data) when it does not exist yet.
install_db() {
    local db="$1" modules="$2" log="$3"
    step "Installing $modules into a new database $db (2-3 minutes)"
    : >"$log"
    if ! odoo_bin -d "$db" -i "$modules" --stop-after-init --http-port="$(free_port)" \
            --log-level=warn --logfile="$log"; then
        tail -40 "$log" >&2
        die "Installing $modules into $db failed (full log: $log)."
    fi
    if grep -E ' (ERROR|CRITICAL) ' "$log" >/dev/null; then
        grep -E -A15 ' (ERROR|CRITICAL) ' "$log" | head -60 >&2
        die "Installing $modules into $db logged errors (full log: $log)."
    fi
}

provision() {
    require_odoo_src
    ensure_venv
    ensure_postgres
    require_wkhtmltopdf
}

# pytest-odoo against database $1; output also goes to log $2; the rest are pytest arguments.
run_pytest() {
    local db="$1" log="$2"
    shift 2
    set -o pipefail
    (cd "$REPO" && PYTHONPATH="$ODOO_SRC:$REPO/tests" "$PY" -m pytest -p odoo_guard \
        --odoo-database="$db" --odoo-config="$CONF" --odoo-addons-path="$ADDONS" \
        --odoo-log-level="${ODOO_LOG_LEVEL:-error}" --odoo-http "$@") 2>&1 | tee "$log"
}

#!/usr/bin/env bash
# make test: a missing Odoo is fetched by a shallow clone of its 18.0 branch, here from a local
# repository that looks like Odoo (ODOO_GIT_URL), into a new folder (ODOO_SRC).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

origin="$work/odoo.git"
mkdir -p "$origin/odoo/addons/crm"
printf 'version_info = (18, 0, 0, "final", 0, "")\n' >"$origin/odoo/release.py"
printf '#!/usr/bin/env python3\n' >"$origin/odoo-bin"
git -C "$origin" init -q -b 18.0
git -C "$origin" add -A
git -C "$origin" -c user.name=check -c user.email=check@example.com commit -q -m "Odoo 18.0"

output="$(ODOO_SRC="$work/odoo" ODOO_GIT_URL="file://$origin" \
    bash -c "source '$REPO/tools/lib.sh' && require_odoo_src && echo fetched")"
if [ -f "$work/odoo/odoo-bin" ] && [ "$(git -C "$work/odoo" rev-list --count HEAD)" = 1 ] &&
    grep -q "Fetching Odoo 18.0 into $work/odoo" <<<"$output" && grep -q fetched <<<"$output"; then
    echo "fetch check: a missing ODOO_SRC is filled by a shallow clone of the 18.0 branch"
else
    printf '%s\n' "$output"
    exit 1
fi

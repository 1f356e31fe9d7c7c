"""Export the translation templates of our addons and keep ru/uk complete.

    python tools/i18n.py DB update   # rewrite addons/*/i18n/<addon>.pot, merge into ru.po and uk.po
    python tools/i18n.py DB check    # exit 1 when a ru/uk entry is missing or untranslated

DB must be a fresh install of the three addons (``KEEP_DB=1 make test`` leaves one): the
terms of noupdate data (scenarios, mail templates) are read from the database, so an older
database exports their older texts.
Run with PYTHONPATH=$ODOO_SRC and the project's .venv python.
"""

import io
import subprocess
import sys
from pathlib import Path

import polib

import odoo
from odoo.tools.translate import trans_export

ADDONS_DIR = Path(__file__).resolve().parent.parent / "addons"
ADDONS = ("sales_funnel", "active_sales", "receivables")
LANGS = ("ru", "uk")
# Russian and Ukrainian share the East Slavic plural rule.
PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)


def export_templates(db):
    templates = {}
    odoo.tools.config.parse_config(["-d", db, f"--addons-path={ADDONS_DIR}", "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        for addon in ADDONS:
            buffer = io.BytesIO()
            trans_export(False, [addon], buffer, "po", cr)
            templates[addon] = polib.pofile(buffer.getvalue().decode())
    return templates


def merge(addon, template):
    i18n = ADDONS_DIR / addon / "i18n"
    i18n.mkdir(exist_ok=True)
    template.save(str(i18n / f"{addon}.pot"))
    for lang in LANGS:
        path = i18n / f"{lang}.po"
        po = polib.pofile(str(path)) if path.exists() else polib.POFile()
        po.metadata = {**template.metadata, **po.metadata}
        po.metadata.update({"Language": lang, "Plural-Forms": PLURAL_FORMS})
        po.merge(template)
        po.save(str(path))


def missing(addon, template):
    problems = []
    for lang in LANGS:
        path = ADDONS_DIR / addon / "i18n" / f"{lang}.po"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        translated = {
            (entry.msgctxt, entry.msgid)
            for entry in polib.pofile(str(path))
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        problems += [
            f"{path}: untranslated {entry.msgid!r}"
            for entry in template
            if (entry.msgctxt, entry.msgid) not in translated
        ]
    return problems


def main(db, mode):
    templates = export_templates(db)
    if mode == "update":
        for addon, template in templates.items():
            merge(addon, template)
        # Keep the files in the layout the OCA translation check (pre-commit) wants.
        fixer = Path(sys.executable).parent / "oca-checks-po"
        if fixer.exists():
            files = [str(path) for path in ADDONS_DIR.glob("*/i18n/*.po")]
            subprocess.run(
                [str(fixer), "--fix", "--no-exit", *files], capture_output=True, check=False
            )
    problems = [p for addon, template in templates.items() for p in missing(addon, template)]
    print("\n".join(problems) or "ru and uk translations are complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

# Two commands: `make run` (demo database on http://localhost:8069) and `make test`.
# Odoo 18 source is read from $(ODOO_SRC) (default /opt/odoo, else .odoo/, fetched when missing).
export ODOO_SRC

.PHONY: run test test-compat test-oca lint venv clean help bench bench-funnel bench-clients bench-reservations

help:
	@echo "make run          demo database with the three addons on http://localhost:8069 (admin/admin)"
	@echo "make run WORKERS=2  the same in prefork mode, as in production: websocket (bus) on GEVENT_PORT=8072"
	@echo "make test         a new database, every test and browser tour of the three addons"
	@echo "make test-compat  Odoo's own crm, sale_crm, sale_stock and account tests with our addons installed"
	@echo "make test-oca     OCA's financial risk, financial report and CRM stage probability next to ours, their tests and ours"
	@echo "make lint         pre-commit (ruff, pylint-odoo, OCA hooks) on the whole tree"
	@echo "make clean        drop the test databases and logs (keeps .venv and the demo database)"
	@echo "make screenshots  docs/screenshots/*.png, the README's screens, from the demo database (headless Chromium)"
	@echo "make bench        get_aging vs OCA's aged partner balance and a bare SQL bound, 1M lines (BENCH_ARGS=--reuse)"
	@echo "make bench-funnel get_funnel vs a bare SQL bound and an ORM loop, 1M deals; the pipeline kanban (BENCH_ARGS=--reuse)"
	@echo "make bench-clients client statuses of 200,000 clients vs an ORM loop (BENCH_ARGS=--reuse)"
	@echo "make bench-reservations the reservation report's grouped reads on 200,000 order lines vs a bare SQL bound and an ORM loop (BENCH_ARGS=--reuse)"

run:
	@tools/run.sh

test:
	@tools/test.sh

test-compat:
	@tools/test_compat.sh

test-oca:
	@tools/test_oca.sh

venv:
	@bash -c 'source tools/lib.sh && ensure_venv'

lint: venv
	@.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v 'is ignored' || true
	@.venv/bin/pre-commit run --all-files

# Rebuilds the database receivables_bench (about 10 minutes on 2 cores); see bench/README.md.
bench:
	@bash -c 'source tools/lib.sh && provision && PYTHONPATH="$$ODOO_SRC" "$$PY" bench/aging.py $(BENCH_ARGS)'

# Rebuilds the database funnel_bench (about 10 minutes on 2 cores); see bench/README.md.
bench-funnel:
	@bash -c 'source tools/lib.sh && provision && PYTHONPATH="$$ODOO_SRC" "$$PY" bench/funnel.py $(BENCH_ARGS)'

# Rebuilds the database clients_bench (about 10 minutes on 2 cores); see bench/README.md.
bench-clients:
	@bash -c 'source tools/lib.sh && provision && PYTHONPATH="$$ODOO_SRC" "$$PY" bench/clients.py $(BENCH_ARGS)'

# Rebuilds the database reservations_bench (about 3 minutes on 2 cores); see bench/README.md.
bench-reservations:
	@bash -c 'source tools/lib.sh && provision && PYTHONPATH="$$ODOO_SRC" "$$PY" bench/reservations.py $(BENCH_ARGS)'

# tools/screenshots.py: its own server and headless Chromium; DEMO_DB=name for another database.
screenshots:
	@bash -c 'source tools/lib.sh && provision && require_chromium && PYTHONPATH="$$ODOO_SRC" "$$PY" tools/screenshots.py'

clean:
	@bash -c 'source tools/lib.sh && ensure_postgres && drop_db active_sales_test && drop_db active_sales_compat && drop_db active_sales_oca'
	rm -rf var/

"""What the benchmarks share: paths, a fresh database with one addon, timing, EXPLAIN."""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "config" / "odoo.conf"
ADDONS = REPO / "addons"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))
# What print_machine_speed times.
SPEED_ROWS = 5_000_000
SPEED_NUMBERS = 10_000_000


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_options(db):
    return ["-c", str(CONF), f"--addons-path={ADDONS}", "-d", db]


def race_registry(db, replay_loggers=("odoo.service.model",)):
    """The registry of ``db`` for a race script. Each replay of a request that failed to
    serialise (INFO, "... tries left", from ``replay_loggers``) is left to the script to
    count, not printed; the statements that failed (ERROR) are the expected conflicts,
    silenced."""
    import logging  # noqa: PLC0415

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config([*odoo_options(db), "--log-level=warn"])
    for name in replay_loggers:
        replays = logging.getLogger(name)
        replays.setLevel(logging.INFO)
        replays.propagate = False
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    return odoo.modules.registry.Registry(db)


def create_database(db, module, log):
    """Drop ``db`` and install ``module`` into it without demo data (log: ``log``)."""
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    shutil.rmtree(Path.home() / ".local/share/Odoo/filestore" / db, ignore_errors=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")
    command = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        *odoo_options(db),
        "-i",
        module,
        "--without-demo=all",
        "--stop-after-init",
        f"--http-port={free_port()}",
        "--log-level=warn",
        f"--logfile={log}",
    ]
    env = {**os.environ, "PYTHONPATH": str(ODOO_SRC)}
    done = subprocess.run(command, env=env, check=False)
    errors = [
        line for line in log.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line
    ]
    if done.returncode or errors:
        print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)
        sys.exit(f"Installing {module} into {db} failed (log: {log}).")


def bench_registry(db, module, log, reuse):
    """The registry of ``db``: a new database with ``module`` installed (without demo data),
    or the existing one when ``reuse``."""
    if str(ODOO_SRC) not in sys.path:
        sys.path.insert(0, str(ODOO_SRC))
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    if not reuse:
        print(f"==> Installing {module} into a new database {db} (no demo data)", flush=True)
        start = time.perf_counter()
        create_database(db, module, log)
        print(f"  installed in {time.perf_counter() - start:.0f} s")
    odoo.tools.config.parse_config([*odoo_options(db), "--log-level=warn"], setup_logging=True)
    registry = Registry(db)
    with registry.cursor() as cr:
        print_machine_speed(cr)
    return registry


def add_integers():
    """The interpreter's own speed, one bytecode loop: what an ORM loop spends most on."""
    total = 0
    for number in range(SPEED_NUMBERS):
        total += number
    return total


def print_machine_speed(cr, runs=3):
    """How fast this machine is at the two things the benchmarks time, so that figures
    from different machines can be compared (the targets are absolute, and machines of
    the same size have differed by more than two times): PostgreSQL counting rows it
    generates, and Python adding integers, on one core each, best of ``runs``."""
    cr.execute("SET LOCAL jit = off")
    _count, rows, _median = timed(
        lambda: cr.execute("SELECT count(*) FROM generate_series(1, %s)", [SPEED_ROWS]), runs
    )
    _total, numbers, _median = timed(add_integers, runs)
    print(
        f"machine: PostgreSQL counts {SPEED_ROWS:,} generated rows in {rows:.3f} s, Python "
        f"adds {SPEED_NUMBERS:,} integers in {numbers:.3f} s (best of {runs})",
        flush=True,
    )


def print_targets(checks):
    """``checks``: (target, met) pairs, on one line."""
    print("targets: " + "; ".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in checks))


def timed(call, runs, before=None):
    """One warm-up call, then ``runs`` timed calls; ``before`` runs untimed before each call
    (to drop the ORM cache, as a new request would). Returns (last result, best, median)."""
    if before:
        before()
    result = call()
    seconds = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return result, min(seconds), statistics.median(seconds)


def explain(env, label, query):
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute("SET LOCAL jit = off")
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of {label}:")
    print("\n".join(row[0] for row in env.cr.fetchall()))

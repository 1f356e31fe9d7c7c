"""Start Odoo in prefork mode on database DB and check it serves cleanly, then stop it.

    python tools/prefork_check.py DB HTTP_PORT GEVENT_PORT LOGFILE

Runs odoo-bin with --workers=2 --max-cron-threads=1 (the production way, as in the commented
block of config/odoo.conf) and checks: GET /web/login answers 200 (the database page, not the
selector), /websocket on the gevent port upgrades, the cron worker polls DB, SIGTERM stops it,
and LOGFILE (Odoo's log, its stdout and stderr) has no Traceback, ERROR, CRITICAL nor
"No module named" line. Exits 1 with the relevant log lines otherwise.
Run with PYTHONPATH=$ODOO_SRC and the project's .venv python; DB must have the addons installed.
"""

import http.client
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import websocket

REPO = Path(__file__).resolve().parent.parent
BAD_LINE = re.compile(r"Traceback| ERROR | CRITICAL |No module named")


class CheckFailed(Exception):
    pass


def wait_for(what, probe, server, timeout):
    """Call probe() until it returns a true value; fail after timeout or if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CheckFailed(f"the server exited (code {server.returncode}) before {what}")
        result = probe()
        if result:
            return result
        time.sleep(1)
    raise CheckFailed(f"no {what} within {timeout} s")


def login_page(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/web/login")
        status = conn.getresponse().status
        conn.close()
    except OSError:
        return None
    if status != 200:  # a 303 to /web/database/selector means no database was picked
        raise CheckFailed(f"GET /web/login answered {status}, not 200")
    return status


def websocket_upgrade(port):
    try:
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/websocket", origin=f"http://127.0.0.1:{port}", timeout=10
        )
    except (OSError, websocket.WebSocketException):
        return None
    status = ws.getstatus()
    ws.close()
    return status


def cron_polled(db, log):
    # The cron worker sleeps 60 s between loops unless woken, as ir.cron._trigger wakes it.
    with psycopg2.connect(dbname="postgres") as cnx, cnx.cursor() as cr:
        cr.execute("NOTIFY cron_trigger, %s", [db])
    cnx.close()
    return re.search(r"WorkerCron \(\d+\) polling for jobs", log.read_text(errors="replace"))


def check(db, http_port, gevent_port, log):
    odoo_bin = Path(importlib.util.find_spec("odoo").origin).parent.parent / "odoo-bin"
    # -d alone exposes only DB, so /web/login picks it without --db-filter.
    cmd = [
        sys.executable, odoo_bin, "-c", REPO / "config/odoo.conf", f"--addons-path={REPO / 'addons'}",
        "-d", db, "--workers=2", "--max-cron-threads=1",
        f"--http-port={http_port}", f"--gevent-port={gevent_port}", f"--logfile={log}",
        "--log-level=info", "--log-handler=odoo.service.server:DEBUG",
    ]  # fmt: skip
    log.write_text("")
    with log.open("a") as out:
        server = subprocess.Popen(cmd, stdout=out, stderr=out, start_new_session=True)
    try:
        wait_for("200 on GET /web/login", lambda: login_page(http_port), server, 60)
        status = wait_for("websocket upgrade", lambda: websocket_upgrade(gevent_port), server, 30)
        if status != 101:
            raise CheckFailed(f"/websocket answered {status}, not 101 Switching Protocols")
        wait_for("cron worker loop", lambda: cron_polled(db, log), server, 30)
        time.sleep(3)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the master and its workers
            server.wait()
            raise CheckFailed("the server did not stop within 30 s of SIGTERM") from None
    if server.returncode != 0:
        raise CheckFailed(f"the server exited with code {server.returncode} on SIGTERM")
    if first_error(log):
        raise CheckFailed("errors in the log")


def first_error(log):
    """The count of error lines in the log and the 25 lines from the first one on."""
    lines = log.read_text(errors="replace").splitlines()
    bad = [i for i, line in enumerate(lines) if BAD_LINE.search(line)]
    return bad and (len(bad), lines[bad[0] : bad[0] + 25])


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    db, http_port, gevent_port, log = sys.argv[1], *map(int, sys.argv[2:4]), Path(sys.argv[4])
    try:
        check(db, http_port, gevent_port, log)
    except CheckFailed as exc:
        print(f"prefork server check FAILED: {exc} (log: {log})")
        if error := first_error(log):
            print(f"{error[0]} Traceback/ERROR/CRITICAL/No module named lines; from the first one:")
            print("\n".join(error[1]))
        else:
            print("No error line in the log; its end:\n" + log.read_text(errors="replace")[-3000:])
        sys.exit(1)
    print(
        f"prefork server (--workers=2 --max-cron-threads=1) on {db}: GET /web/login 200 on "
        f"port {http_port}, /websocket upgraded (101) on gevent port {gevent_port}, cron worker "
        f"polled, stopped cleanly on SIGTERM, no error in {log}"
    )


if __name__ == "__main__":
    main()

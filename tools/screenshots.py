"""Screenshots of the main screens for the README, taken from the demo database.

    make screenshots
    # or, by hand:
    PYTHONPATH=$ODOO_SRC .venv/bin/python tools/screenshots.py [--db NAME] [--out DIR]

The database is active_sales_demo by default (or $DEMO_DB, or --db); the PNGs go to
docs/screenshots/ (or --out).

Starts an Odoo server (threaded, on a free port) on the database (created with the three addons
and demo data, as `make run` does, when it does not exist), logs in as the demo users of each
role (password = login), drives headless Chromium through the DevTools protocol and writes
1440x900 PNGs into docs/screenshots/. Stops the server and Chromium at the end, prints one line
per screenshot, and fails (exit 1, one sentence) when a screen does not render.
"""

import argparse
import base64
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "config" / "odoo.conf"
ADDONS = REPO / "addons"
LOG_DIR = REPO / "var" / "log"
WIDTH, HEIGHT = 1440, 900
DEMO_LOGINS = ("salesperson", "head", "accountant", "warehouse", "admin")
PAGE_TIMEOUT = 120  # the first page also builds the asset bundles
PIVOT = ".o_pivot_view .o_pivot table tbody tr"


class ScreenError(Exception):
    """A screen did not render; the message is one sentence for the user."""


def odoo_src():
    for candidate in [os.environ.get("ODOO_SRC"), *os.environ.get("PYTHONPATH", "").split(":")]:
        if candidate and (Path(candidate) / "odoo-bin").is_file():
            return Path(candidate)
    for candidate in (Path("/opt/odoo"), REPO / ".odoo"):
        if (candidate / "odoo-bin").is_file():
            return candidate
    raise ScreenError("No Odoo 18 source found: run `make screenshots`, or set ODOO_SRC.")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lib_sh(script, *args):
    """Runs `script` in bash after sourcing tools/lib.sh (the provisioning of `make run`);
    keeps the PostgreSQL settings it exports (a private cluster in .pgdata/)."""
    with tempfile.NamedTemporaryFile("r", suffix=".env") as env_file:
        keep_env = f'printf "%s\\n" "${{PGHOST:-}}" "${{PGPORT:-}}" >"{env_file.name}"'
        bash = f'source "{REPO}/tools/lib.sh" && {script}; code=$?; {keep_env}; exit $code'
        code = subprocess.run(["bash", "-c", bash, "lib.sh", *args], check=False).returncode
        for name, value in zip(("PGHOST", "PGPORT"), env_file.read().splitlines(), strict=False):
            if value:
                os.environ[name] = value
    return code


def sql(db, query):
    result = subprocess.run(
        ["psql", "-d", db, "-Atqc", query], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise ScreenError(f"psql on {db} failed: {result.stderr.strip()}")
    return [line.split("|") for line in result.stdout.splitlines()]


def ensure_database(db):
    """Creates the database as `make run` does when it is missing; checks the demo logins."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    script = 'ensure_postgres && { db_exists "$1" || install_db "$1" "$OUR_ADDONS" "$2"; }'
    if lib_sh(script, db, str(LOG_DIR / "screenshots-install.log")):
        raise ScreenError(f"Could not create the database {db} (see above).")
    if sql(db, "select to_regclass('res_users') is null") != [["f"]]:
        raise ScreenError(f"The database {db} is not an Odoo database: choose another with --db.")
    logins = {row[0] for row in sql(db, "select login from res_users where active")}
    missing = [login for login in DEMO_LOGINS if login not in logins]
    if missing:
        raise ScreenError(
            f"The database {db} has no demo login {', '.join(missing)} (it predates them): "
            f"drop it, or take the screenshots from a new one: tools/screenshots.py --db {db}_new."
        )


def xmlid(db, ref):
    module, name = ref.split(".")
    rows = sql(
        db,
        f"select res_id from ir_model_data where module = '{module}' and name = '{name}'",
    )
    if not rows:
        raise ScreenError(f"The database {db} has no record {ref}: not the demo database?")
    return int(rows[0][0])


def deal_id(db, name):
    rows = sql(db, f"select id from crm_lead where name = '{name}'")
    if not rows:
        raise ScreenError(f'The database {db} has no deal "{name}": not the demo database?')
    return int(rows[0][0])


def quotation_to_approve(db):
    rows = sql(db, "select id from sale_order where approval_state = 'pending' order by id limit 1")
    if not rows:
        raise ScreenError(f"The database {db} has no quotation waiting for approval: not the demo?")
    return int(rows[0][0])


class OdooServer:
    def __init__(self, db):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = LOG_DIR / "screenshots-server.log"
        self.proc = None

    def start(self):
        src = odoo_src()
        self.log.write_text("")
        cmd = [
            sys.executable, str(src / "odoo-bin"), "-c", str(CONF), f"--addons-path={ADDONS}",
            "-d", self.db, f"--db-filter=^{self.db}$", f"--http-port={self.port}",
            "--workers=0", "--max-cron-threads=0", "--log-level=warn", f"--logfile={self.log}",
        ]  # fmt: skip
        env = dict(os.environ, PYTHONPATH=str(src))
        with self.log.open("a") as log:  # what odoo-bin says before its logging starts
            self.proc = subprocess.Popen(
                cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ScreenError(f"The Odoo server stopped at start (log: {self.log}).")
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise ScreenError(
            f"The Odoo server did not answer on {self.url} in 60 s (log: {self.log})."
        )

    def session(self, login, password):
        response = requests.post(
            f"{self.url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": self.db, "login": login, "password": password},
            },
            timeout=60,
        )
        if response.json().get("error") or "session_id" not in response.cookies:
            raise ScreenError(f"Login {login} / {password} is refused by {self.db}.")
        return response.cookies["session_id"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class DevTools:
    """One DevTools protocol connection (the browser's or a page's)."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, suppress_origin=True, timeout=PAGE_TIMEOUT)
        self.next_id = 0
        self.errors = []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise ScreenError(f"Chromium refused {method}: {message['error']['message']}.")
                return message["result"]
            self._event(message.get("method"), message.get("params", {}))

    def _event(self, method, params):
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details["text"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )

    def close(self):
        self.ws.close()


class Chromium:
    """Headless Chromium driven through the DevTools protocol: each screen in a new browser
    context (its own cookies, storage and bus worker), as a user who just logged in."""

    def __init__(self):
        self.proc = None
        self.port = None
        self.browser = None
        self.page = None
        self.context_id = None
        self.profile = tempfile.mkdtemp(prefix="screenshots_chromium_")

    def start(self):
        executable = next(
            (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
             if shutil.which(name)),
            None,
        )  # fmt: skip
        if not executable:
            raise ScreenError("Chromium is missing: apt-get install -y chromium.")
        self.proc = subprocess.Popen(
            [
                executable, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-extensions", "--no-first-run",
                "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}", f"--window-size={WIDTH},{HEIGHT}",
                "--force-device-scale-factor=1", "--lang=en-US", "about:blank",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.stat().st_size > 5):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise ScreenError("Chromium did not start its DevTools endpoint in 30 s.")
            time.sleep(0.1)
        self.port = int(port_file.read_text().split()[0])
        version = requests.get(f"http://127.0.0.1:{self.port}/json/version", timeout=10).json()
        self.browser = DevTools(version["webSocketDebuggerUrl"])

    def new_page(self, base_url, session_id):
        """A blank page in a new browser context holding only the Odoo session cookie."""
        self._close_page()
        self.context_id = self.browser.call("Target.createBrowserContext")["browserContextId"]
        target = self.browser.call(
            "Target.createTarget", url="about:blank", browserContextId=self.context_id
        )["targetId"]
        self.page = DevTools(f"ws://127.0.0.1:{self.port}/devtools/page/{target}")
        self.page.call("Runtime.enable")
        self.page.call("Page.enable")
        self.page.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False,
        )  # fmt: skip
        self.page.call(
            "Network.setCookie", name="session_id", value=session_id, url=base_url, path="/"
        )

    def _close_page(self):
        if self.page:
            self.page.close()
            self.page = None
        if self.context_id:
            self.browser.call("Target.disposeBrowserContext", browserContextId=self.context_id)
            self.context_id = None

    def evaluate(self, expression):
        result = self.page.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            return None
        return result["result"].get("value")

    def navigate(self, url):
        self.page.errors = []
        self.page.call("Page.navigate", url=url)

    def wait_for(self, selector, what, text="", timeout=PAGE_TIMEOUT):
        """Waits until the web client is ready, idle and shows `selector` (holding `text`)."""
        check = f"""(() => {{
            if (document.querySelector('.oe_login_form')) return 'login';
            if (!(window.odoo && odoo.isReady)) return false;
            if (document.querySelector('.o_loading_indicator, .o_blockUI')) return false;
            if (document.querySelector('.o_error_dialog')) return 'error';
            return [...document.querySelectorAll({json.dumps(selector)})]
                .some(el => el.innerText.includes({json.dumps(text)}));
        }})()"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.evaluate(check)
            if state == "login":
                raise ScreenError(
                    f"{what}: the browser got the login page, the session was refused."
                )
            if state == "error":
                text = self.evaluate(
                    "document.querySelector('.o_error_dialog .modal-body').innerText.split('\\n')[0]"
                )
                raise ScreenError(f"{what}: the web client shows an error: {text}")
            if state:
                time.sleep(0.8)  # animations: dialogs fading in, kanban progress bars
                return
            time.sleep(0.25)
        errors = self.page.errors
        hint = f" (browser error: {errors[0].splitlines()[0]})" if errors else ""
        shown = f"{selector} with {text!r}" if text else selector
        raise ScreenError(f"{what}: {shown} did not render within {timeout} s{hint}.")

    def click(self, selector, what):
        clicked = self.evaluate(
            f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
                if (!el) return false; el.click(); return true; }})()"""
        )
        if not clicked:
            raise ScreenError(f"{what}: nothing to click at {selector}.")

    def screenshot(self, path):
        data = self.page.call("Page.captureScreenshot", format="png")
        png = base64.b64decode(data["data"])
        try:
            from PIL import Image  # noqa: PLC0415 (optional: Odoo depends on it anyway)
        except ImportError:
            path.write_bytes(png)
            return
        Image.open(io.BytesIO(png)).convert("RGB").save(path, optimize=True)

    def stop(self):
        if self.browser:
            try:
                self._close_page()
                self.browser.call("Browser.close")
            except Exception:  # noqa: BLE001 (closing anyway)
                pass
            self.browser.close()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Screens:
    """The nine screens, each in a new browser context as the user of its role."""

    def __init__(self, server, browser, out, db):
        self.server, self.browser, self.out = server, browser, out
        self.team = xmlid(db, "sales_funnel.crm_team_active_sales")
        self.move_deal = deal_id(db, "Workshop tools for Deco Addict")
        self.history_deal = deal_id(db, "Drills for The Jackson Group")
        self.quotation = quotation_to_approve(db)

    def take(self):
        self.pipeline()
        self.move_dialog()
        self.deal()
        self.aging()
        self.debtor_notices()
        self.stage_history()
        self.funnel()
        self.proposal_approval()
        self.reservations()

    def open_as(self, login, path, selector, what):
        self.browser.new_page(self.server.url, self.server.session(login, login))
        self.browser.navigate(f"{self.server.url}{path}")
        self.browser.wait_for(selector, what)

    def do_action(self, action, **options):
        self.browser.evaluate(
            "odoo.__WOWL_DEBUG__.root.env.services.action"
            f".doAction({json.dumps(action)}, {json.dumps(options)})"
        )

    def shot(self, name, login, what):
        browser = self.browser
        if browser.evaluate("!!document.querySelector('.o_view_sample_data')"):
            raise ScreenError(f"{what}: the view shows sample data, the database has no records.")
        # No blinking caret nor selected autofocus text on the picture.
        browser.evaluate("document.activeElement && document.activeElement.blur()")
        path = self.out / f"{name}.png"
        browser.screenshot(path)
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        print(f"{shown}  {path.stat().st_size // 1024} KB  {login}: {what}", flush=True)

    def pipeline(self):
        what = "the pipeline of the Active sales department"
        # The CRM app first (its menus in the navbar), then the team's pipeline.
        self.open_as("head", "/odoo/crm", ".o_kanban_view", what)
        self.do_action(
            "crm.crm_case_form_view_salesteams_opportunity",
            additionalContext={"active_id": self.team},
            clearBreadcrumbs=True,
        )
        self.browser.wait_for(".o_searchview .o_facet_values", what, text="Active sales department")
        self.browser.wait_for(".o_kanban_view .o_kanban_record", what)
        self.shot("pipeline", "head", what)

    def move_dialog(self):
        what = "the move dialog of a deal"
        button = ".o_form_view button[name=action_open_move_wizard]"
        self.open_as("salesperson", f"/odoo/crm/{self.move_deal}", button, what)
        self.browser.click(button, what)
        self.browser.wait_for(".modal .o_form_view .o_field_widget[name=step_id]", what)
        self.shot("move-dialog", "salesperson", what)

    def deal(self):
        what = "a deal with its stage history"
        tab = ".o_form_view .o_notebook .nav-link[name=sales_funnel]"
        self.open_as("salesperson", f"/odoo/crm/{self.history_deal}", tab, what)
        self.browser.click(tab, what)
        self.browser.wait_for(".o_field_widget[name=stage_log_ids] .o_data_row", what)
        # The whole history in view (the status bar is on the move dialog's picture).
        self.browser.evaluate(
            "document.querySelector('.o_field_widget[name=stage_log_ids]')"
            ".scrollIntoView({block: 'end'})"
        )
        time.sleep(0.3)
        self.shot("deal", "salesperson", what)

    def aging(self):
        what = "the receivables aging"
        self.open_as("accountant", "/odoo/action-receivables.action_receivables_aging", PIVOT, what)
        self.shot("aging", "accountant", what)

    def debtor_notices(self):
        what = "the debtor notices after Find debtors"
        invoices = "/odoo/action-account.action_move_out_invoice_type"
        self.open_as("accountant", invoices, ".o_list_view .o_data_row", what)
        self.do_action("receivables.action_receivables_notify")
        self.browser.wait_for(".modal button[name=action_select]", what)
        self.browser.click(".modal button[name=action_select]", what)
        self.browser.wait_for(".modal .o_field_widget[name=line_ids] .o_data_row", what)
        self.shot("debtor-notices", "accountant", what)

    def stage_history(self):
        what = "the stage history analysis"
        self.open_as("head", "/odoo/action-sales_funnel.crm_stage_visit_report_action", PIVOT, what)
        self.shot("stage-history", "head", what)

    def funnel(self):
        what = "the sales funnel"
        table = ".o_sales_funnel_report .o_funnel_table tbody tr"
        self.open_as("head", "/odoo/action-sales_funnel.action_sales_funnel_report", table, what)
        # Last month: a complete month of the demo's history, with its plan.
        self.browser.click(".o_funnel_last_month", what)
        self.browser.wait_for(".o_funnel_body:not(.opacity-50) canvas", what)
        time.sleep(0.5)
        self.shot("funnel", "head", what)

    def proposal_approval(self):
        what = "a quotation waiting for the head's approval"
        path = f"/odoo/action-sale.action_quotations_with_onboarding/{self.quotation}"
        self.open_as("head", path, ".o_form_view button[name=action_approve]", what)
        self.shot("proposal-approval", "head", what)

    def reservations(self):
        what = "the reservations for deals"
        path = "/odoo/action-sales_funnel.action_deal_reservations"
        self.open_as("warehouse", path, ".o_searchview .o_facet_remove", what)
        # Every order line, not only those missing goods: the demo has stock for all.
        self.browser.click(".o_searchview .o_facet_remove", what)
        self.browser.wait_for(".o_list_view .o_data_row", what)
        self.shot("reservations", "warehouse", what)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("DEMO_DB", "active_sales_demo"),
        help="database with the demo data (created when missing; default active_sales_demo)",
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "screenshots", help="where the PNGs go"
    )
    args = parser.parse_args()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    server = OdooServer(args.db)
    browser = Chromium()
    try:
        ensure_database(args.db)
        server.start()
        browser.start()
        Screens(server, browser, args.out, args.db).take()
    except (ScreenError, websocket.WebSocketException, requests.RequestException, OSError) as error:
        print(f"\n*** {error}\n", file=sys.stderr)
        return 1
    finally:
        browser.stop()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

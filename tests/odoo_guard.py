"""pytest plugin loaded by `make test` and `make test-compat` (``-p odoo_guard``).

Odoo skips a browser tour instead of failing it when websocket-client or Chromium is
missing, and pytest counts a skip as success. With ``--require-tours`` a skipped
``HttpCase`` test, or a run where no ``HttpCase`` test ran, fails the session; an empty
run always fails. A plain ``N passed, N failed`` line sums the run up.
"""

import logging
import sys
import traceback

import pytest


class _DropTestImportNoise(logging.Filter):
    """pytest-odoo imports odoo.tests before it turns test mode on; Odoo then logs an
    ERROR with a full stack meant for business code importing the test framework."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_DropTestImportNoise())

# nodeid -> "passed" | "failed" | "skipped"; subtests report under their test's nodeid.
_outcomes = {}
_http_nodeids = set()
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


def pytest_addoption(parser):
    parser.addoption(
        "--require-tours",
        action="store_true",
        help="Fail when no HttpCase test ran or when any HttpCase test was skipped.",
    )


def _is_http_case(item):
    # Imported late: importing odoo.tests before pytest-odoo enters test mode logs an error.
    from odoo.tests.common import HttpCase  # noqa: PLC0415

    cls = getattr(item, "cls", None)
    return isinstance(cls, type) and issubclass(cls, HttpCase)


def pytest_collection_modifyitems(items):
    _http_nodeids.update(item.nodeid for item in items if _is_http_case(item))


def pytest_runtest_setup(item):
    """Odoo maps modules to their static folders at the first request of the process, reading
    every manifest of every addons path; an error there fails that request, so the first
    tour's page never loads and its test fails as a timeout, the error's own traceback cut
    from the log. Map them before the first browser test, once more if that fails, and print
    any error whole where the run's output shows it."""
    if item.nodeid not in _http_nodeids:
        return
    from odoo.http import root  # noqa: PLC0415

    for attempt in (1, 2):
        if "statics" in vars(root):
            return
        try:
            root.statics  # noqa: B018 -- a lazy property: reading it maps the folders
        except Exception:  # noqa: BLE001 -- printed whole, then tried once more
            sys.__stderr__.write(
                f"odoo_guard: mapping the static folders failed (attempt {attempt}):\n"
                + traceback.format_exc()
            )


def pytest_runtest_logreport(report):
    if report.when == "call" or not report.passed:
        outcome = report.outcome
        previous = _outcomes.get(report.nodeid, "passed")
        _outcomes[report.nodeid] = max(previous, outcome, key=_RANK.get)


def _count(outcome, nodeids=None):
    return sum(
        1
        for nodeid, seen in _outcomes.items()
        if seen == outcome and (nodeids is None or nodeid in nodeids)
    )


def _problems(config):
    problems = []
    if not _outcomes:
        problems.append("no test ran")
    if config.getoption("--require-tours"):
        skipped = sorted(n for n in _http_nodeids if _outcomes.get(n) == "skipped")
        if skipped:
            problems.append(
                "browser tests were skipped (Chromium or websocket-client missing?): "
                + ", ".join(skipped)
            )
        if not _count("passed", _http_nodeids):
            problems.append("no browser test passed")
    return problems


def pytest_sessionfinish(session, exitstatus):
    if _problems(session.config) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    problems = _problems(config)
    for problem in problems:
        terminalreporter.write_line(f"FAILED: {problem}", red=True)
    terminalreporter.write_line(
        f"{_count('passed')} passed, {_count('failed') + len(problems)} failed, "
        f"{_count('skipped')} skipped ({_count('passed', _http_nodeids)} browser tests passed)"
    )

"""pytest plugin loaded by `make test` and `make test-compat` (``-p odoo_guard``).

Odoo skips a browser tour instead of failing it when websocket-client or Chromium is
missing, and pytest counts a skip as success. Here a skipped ``HttpCase`` test, an empty
run or a run without any browser tour fails the session, and the last line printed is
a plain ``N passed, N failed`` summary that CI reads.
"""

import logging

import pytest


class _DropTestImportNoise(logging.Filter):
    """pytest-odoo imports odoo.tests before it turns test mode on; Odoo then logs an
    ERROR with a full stack meant for business code importing the test framework."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_DropTestImportNoise())

_state = {"tests": 0, "passed": 0, "failed": 0, "skipped": [], "http": 0}


def pytest_addoption(parser):
    parser.addoption(
        "--require-tours",
        action="store_true",
        help="Fail when no HttpCase test ran or when any HttpCase test was skipped.",
    )


def _is_http_case(item):
    # Imported late: importing odoo.tests before pytest-odoo enters test mode logs an error.
    from odoo.tests.common import HttpCase  # noqa: PLC0415

    return isinstance(getattr(item, "instance", None), HttpCase) or (
        isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, HttpCase)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _state["tests"] += 1
        if report.passed:
            _state["passed"] += 1
            _state["http"] += _is_http_case(item)
        elif report.skipped:
            if _is_http_case(item):
                _state["skipped"].append(item.nodeid)
        else:
            _state["failed"] += 1
    elif report.when == "teardown" and report.failed:
        _state["failed"] += 1


def pytest_sessionfinish(session, exitstatus):
    problems = []
    if _state["tests"] == 0:
        problems.append("no test ran")
    if session.config.getoption("--require-tours"):
        if _state["skipped"]:
            problems.append(
                "browser tests were skipped (Chromium or websocket-client missing?): "
                + ", ".join(_state["skipped"])
            )
        if _state["http"] == 0:
            problems.append("no browser tour ran")
    session.config._odoo_guard_problems = problems
    if problems and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for problem in getattr(config, "_odoo_guard_problems", []):
        terminalreporter.write_line(f"FAILED: {problem}", red=True)
    failed = _state["failed"] + len(getattr(config, "_odoo_guard_problems", []))
    terminalreporter.write_line(
        f"{_state['passed']} passed, {failed} failed ({_state['http']} browser tests ran)"
    )

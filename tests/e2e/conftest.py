"""End-to-end tests: the real app served by `flask run` on its own SQLite file, driven by headless Chromium.

Skipped, with the reason printed, when Chromium is not installed (CONTRACT.md: `make test`).
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.session import noting_console_errors
from tests.e2e.session import sign_in as sign_in_through_the_form

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "e2e-password-12345"
ROLES = ("officer", "manager", "donor", "admin")
#: Further donor accounts (account name -> the donor it is bound to): one with no money in the reference record,
#: and a second donor, for the funding tests.
EXTRA_DONORS = {"donor_monaco": "Government of Monaco", "donor_japan": "Japan"}
#: Staff accounts of their own for the notification and password tests (issue 28): nothing else touches them.
EXTRA_STAFF = {"assignee": "officer", "forgetful": "officer"}


def _group(item) -> str:
    # A live server and a browser per worker: with pytest-xdist (`--dist loadgroup`, the Makefile's) each group runs
    # on one worker while the other workers take the rest of the suite. Alone, the browser tests were the longest
    # lane of a CI run on two cores, so the walks of every main page are groups of their own, of a few minutes each:
    # in English, in Arabic (two widths), in French and Spanish (one width), and the rest.
    name = item.fspath.basename
    if name == "test_accessibility.py":
        return "browser-pages"
    if name == "test_languages_browser.py":
        language = item.callspec.params.get("language") if hasattr(item, "callspec") else None
        return "browser-languages" if language in ("fr", "es") else "browser-arabic"
    return "browser"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group(_group(item)))
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
    print(f"\n{reason}")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def mail_inbox():
    """A real SMTP server in the test process (aiosmtpd) that the served app sends its e-mail to."""
    from tests.smtp_server import smtp_server
    with smtp_server() as inbox:
        yield inbox


#: Runs the `flask` commands given as JSON in one interpreter, each as `flask` would (the app's own CLI), stopping at
#: the first that fails with its output.
_COMMANDS = """
import json, sys
from app import create_app
runner = create_app().test_cli_runner()
for args in json.loads(sys.argv[1]):
    result = runner.invoke(args=args)
    if result.exit_code != 0:
        sys.exit(f"flask {' '.join(args)}: exit {result.exit_code}\\n{result.output}{result.exception or ''}")
"""


def _run_flask_commands(commands: list[list[str]], env: dict) -> None:
    """The served app's database made by its own commands, in one process: fourteen `flask` processes took 2.4 s each
    to start, about 30 s of every browser group's setup."""
    done = subprocess.run([sys.executable, "-c", _COMMANDS, json.dumps(commands)], cwd=ROOT, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        pytest.fail(f"setting up the served app: {done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, mail_inbox):
    """A served instance with the reference record and one account per role: {"url", "accounts", "inbox"}."""
    folder = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'e2e.db'}", SECRET_KEY="e2e-" + "s" * 40,
               PALERMO_PASSWORD=PASSWORD, PALERMO_ENV="development",
               IMPORT_PREVIEW_FOLDER=str(folder / "previews"), ATTACHMENT_FOLDER=str(folder / "attachments"),
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_inbox.port), PUBLIC_URL=f"http://127.0.0.1:{port}")
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    commands = [["db", "upgrade"], ["seed", "reference"]]
    accounts = {}
    for role in ROLES:
        email = f"{role}@e2e.test"
        commands.append(["users", "create", email, "--role", role, *(["--donor", "Canada"] if role == "donor" else [])])
        accounts[role] = email
    for name, donor in EXTRA_DONORS.items():
        email = f"{name.replace('_', '.')}@e2e.test"
        commands.append(["users", "create", email, "--role", "donor", "--donor", donor])
        accounts[name] = email
    for name, role in EXTRA_STAFF.items():
        commands.append(["users", "create", f"{name}@e2e.test", "--role", role, "--name", name.title()])
        accounts[name] = f"{name}@e2e.test"
    _run_flask_commands(commands, env)
    log = open(folder / "server.log", "w")  # noqa: SIM115 (the server writes to it until the session ends)
    server = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT, env=env,
                              stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("the server did not start: " + (folder / "server.log").read_text()[-500:])
    yield {"url": url, "accounts": accounts, "password": PASSWORD, "inbox": mail_inbox}
    server.terminate()
    server.wait(timeout=10)


#: V8 without its optimizing tiers and without helper threads. Every visit starts a new document, so axe-core
#: (560 KB, run once or twice a page) is compiled afresh each time. The optimizing compilers and the background
#: threads spent more than they saved. On 30 pages with axe, the renderer used 8.4–10.0 s of CPU with these flags
#: against 11.0–14.3 s without, alternated. The flags change how fast the scripts run, not what they do.
V8_FLAGS = "--js-flags=--no-opt --no-maglev --single-threaded"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          V8_FLAGS])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    yield noting_console_errors(context.new_page())
    context.close()


@pytest.fixture()
def sign_in(page, live_server):
    """Sign `page` in as the account of `role` through the real login form."""
    def sign(role, password=None):
        sign_in_through_the_form(page, live_server, role, password)
    return sign

"""Helpers for the system tests: run Odoo as subprocesses, talk RPC to it."""

import ast
import contextlib
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "customer_quality"
ADMIN_LOGIN = ADMIN_PASSWORD = "admin"
# lines of an Odoo log that make an install / upgrade count as failed
LOG_ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", re.M)


# --------------------------------------------------------------------------
def odoo_root():
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.submodule_search_locations:
        pytest.exit("Odoo 18.0 Community must be importable by python3", returncode=1)
    return Path(list(spec.submodule_search_locations)[0]).resolve().parent


def addons_path():
    if os.environ.get("CQ_ADDONS_PATH"):
        return os.environ["CQ_ADDONS_PATH"]
    root = odoo_root()
    paths = [p for p in (root / "addons", root / "odoo" / "addons") if p.is_dir()]
    return ",".join(str(p) for p in [*paths, REPO_ROOT])


def manifest():
    return ast.literal_eval((REPO_ROOT / ADDON / "__manifest__.py").read_text())


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql, db="postgres"):
    out = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


class RpcError(RuntimeError):
    """An error answered by the server; ``error`` is its JSON-RPC error object."""

    def __init__(self, error):
        super().__init__(json.dumps(error, indent=1)[:4000])
        self.error = error


class JsonRpc:
    """Minimal JSON-RPC client (Odoo's /jsonrpc endpoint), stdlib only."""

    def __init__(self, url, db):
        self.url, self.db, self._id = f"{url}/jsonrpc", db, 0

    def call(self, service, method, *args):
        self._id += 1
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": self._id,
            "params": {"service": service, "method": method, "args": list(args)},
        }
        req = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=300) as resp:
            answer = json.load(resp)
        if answer.get("error"):
            raise RpcError(answer["error"])
        return answer["result"]

    def login(self, login=ADMIN_LOGIN, password=ADMIN_PASSWORD):
        self.uid = self.call("common", "login", self.db, login, password)
        self.password = password
        return self.uid

    def execute_kw(self, model, method, args, kwargs=None):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            args,
            kwargs or {},
        )


class Odoo:
    """Runs `python3 -m odoo` subprocesses for one scratch database."""

    def __init__(self, db, data_dir, log_dir, addons=None):
        self.db = db
        self.data_dir = data_dir
        self.log_dir = log_dir
        # the add-ons path (default: Odoo's and this repository's)
        self.addons = addons
        self._nlog = 0

    def args(self, *extra):
        return [
            sys.executable,
            "-m",
            "odoo",
            f"--database={self.db}",
            f"--db-filter=^{self.db}$",
            f"--addons-path={self.addons or addons_path()}",
            f"--data-dir={self.data_dir}",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            *extra,
        ]

    def _logfile(self, what):
        self._nlog += 1
        return Path(self.log_dir) / f"{self._nlog:02d}-{what}.log"

    def run(self, *extra, what="run", check_log=True, timeout=1200):
        """Run Odoo with --stop-after-init; fail on non-zero exit or ERROR logs."""
        log = self._logfile(what)
        proc = subprocess.run(
            self.args(*extra, "--stop-after-init", "--no-http", f"--logfile={log}"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        text = log.read_text() if log.exists() else ""
        assert proc.returncode == 0, (
            f"odoo {what} exited {proc.returncode}:\n{text}\n{proc.stderr}"
        )
        if check_log:
            errors = LOG_ERROR_RE.findall(text)
            assert not errors, f"odoo {what} logged errors:\n{text}"
        return text

    def shell(self, code, timeout=600):
        """Run python `code` in `odoo shell` (with `env`); return its stdout.

        The shell rolls back at the end: call env.cr.commit() to keep changes.
        """
        proc = subprocess.run(
            [sys.executable, "-m", "odoo", "shell", *self.args("--no-http")[3:]],
            input=code,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert proc.returncode == 0, f"odoo shell failed:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def shell_json(self, code):
        """Run `code` that assigns `result`; return it (JSON round-trip)."""
        marker = f"@@CQ-{uuid.uuid4().hex}@@"
        out = self.shell(
            f"{code}\nimport json as _j\nprint({marker!r} + _j.dumps(result))\n"
        )
        for line in out.splitlines():
            if line.startswith(marker):
                return json.loads(line[len(marker) :])
        raise AssertionError(f"no result printed by odoo shell:\n{out}")

    @contextlib.contextmanager
    def server(self, timeout=120):
        """Start an HTTP server on a free loopback port; yield its base URL."""
        port = free_port()
        log = self._logfile("server")
        proc = subprocess.Popen(
            self.args(
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                f"--logfile={log}",
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    text = log.read_text() if log.exists() else ""
                    raise AssertionError(
                        f"odoo server exited {proc.returncode}:\n{text}"
                    )
                try:
                    with urllib.request.urlopen(f"{url}/web/health", timeout=5) as resp:
                        if resp.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"odoo server not up after {timeout}s")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(30)

    def module_state(self, name=ADDON):
        return psql(
            f"SELECT state FROM ir_module_module WHERE name = '{name}'", self.db
        )

    def drop(self):
        subprocess.run(
            ["dropdb", "--if-exists", "--force", self.db],
            check=False,
            capture_output=True,
        )

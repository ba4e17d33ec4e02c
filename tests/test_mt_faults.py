"""Online engine faults, end to end through ``locpipe translate`` (a real process).

A LibreTranslate-speaking server on 127.0.0.1 that hangs, drops the
connection, or answers garbage: the command ends (the deadline bounds it;
the test's subprocess timeout is a safety net, not a timing assertion),
reports the units it could not translate (exit 3), saves nothing the engine
mangled, leaves every catalog valid for GNU gettext, and never caches a
failure.  An API key (a key-shaped value in ``LIBRE_API_KEY``) that the
engine echoes back in its error bodies appears nowhere: not in the output,
the catalogs, the MT cache, the report page, or any other file of the project.

Engine-level behaviour (retries, backoff, ``Retry-After``, one silent request
then success, the deadline in the request runner) is tests/test_mt_online.py's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe.cli import main
from locpipe.units import VERBATIM_COMMENT

LOCPIPE = str(Path(sys.executable).with_name("locpipe"))
KEY = "lt-9d2f6c1e-4b7a-4e3c-8f5d-2a1b0c9e8d7f"  # shaped like an API key

Respond = Callable[["BaseHTTPRequestHandler", dict[str, Any]], None]


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _json(handler: BaseHTTPRequestHandler, status: int, data: object) -> None:
    _send(handler, status, json.dumps(data).encode(), "application/json")


def hang(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """Read the request, then never answer (until the server shuts down)."""
    handler.server.stopping.wait()  # type: ignore[attr-defined]


def drop(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """Close the connection without a response (RST: as a crashed proxy would)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    handler.connection.close()


def truncated(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """Promise a body, send a few bytes of it, close."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(b'{"translatedText": ["Bonj')
    handler.wfile.flush()
    handler.connection.shutdown(socket.SHUT_RDWR)


def html_page(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """A captive portal's page with a 200, the key echoed in it."""
    _send(handler, 200, f"<html><body>Login required ({KEY})</body></html>".encode(), "text/html")


def wrong_shape(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    _json(handler, 200, {"translatedText": {"0": "Bonjour"}, "key": KEY})


def wrong_count(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    texts = request["q"]
    _json(handler, 200, {"translatedText": texts[: len(texts) // 2]})


def not_strings(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    _json(handler, 200, {"translatedText": [None, 7, ["x"]] * len(request["q"])})


def binary(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    _send(handler, 200, bytes(range(256)) * 8, "application/json")


def hostile(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """A "translation" that injects markup, tokens kept: fails verification."""
    extra = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    _json(handler, 200, {"translatedText": [f"{t} {extra}" for t in request["q"]]})


def dropped_tokens(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    """Drops the protected items (tags, terms) and answers the fallback's runs with markup."""
    _json(handler, 200, {"translatedText": ["<b>x</b>" for _ in request["q"]]})


def server_error_with_key(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    _json(handler, 500, {"error": f"upstream failed for api_key={KEY}"})


def bad_request_with_key(handler: BaseHTTPRequestHandler, request: dict[str, Any]) -> None:
    _json(handler, 400, {"error": f"invalid api_key {KEY} for {request.get('target')}"})


class Engine:
    """A threaded LibreTranslate-speaking server answering every request with ``respond``."""

    def __init__(self, respond: Respond):
        self.requests: list[dict[str, Any]] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = json.loads(body)
                engine.requests.append(request)
                with contextlib.suppress(OSError):  # the client gave up first
                    respond(self, request)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.stopping = threading.Event()  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True).start()

    def close(self) -> None:
        self.httpd.stopping.set()  # type: ignore[attr-defined]
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mtfaults") / "site"
    folder.mkdir()
    copy_sample_site(folder)
    for command in ("extract", "update"):
        result = CliRunner().invoke(main, ["-C", str(folder), command])
        assert result.exit_code == 0, result.output
    return folder


def project_for(prepared: Path, tmp_path: Path, url: str, deadline: float = 3) -> Path:
    site = tmp_path / "site"
    shutil.copytree(prepared, site)
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8").replace('backend = "apertium"', 'backend = "libre"')
    config.write_text(
        text + f"\n[mt]\ntimeout = 0.5\ndeadline = {deadline}\nretries = 1\nbackoff = 0.01\n"
        f'rate_limit = 0\nmax_in_flight = 1\n\n[mt.libre]\nurl = "{url}"\n',
        encoding="utf-8",
    )
    return site


def everything(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name != ".locpipe.lock"
    }


FAULTS = {
    # One request at a time, each attempt at least the 0.5 s timeout: the second
    # batch meets the 1.5 s deadline, and every later one is not even sent.
    "hangs": (hang, "deadline"),
    "drops the connection": (drop, "connection failed"),
    "truncated body": (truncated, "connection failed"),
    "200 with an HTML page": (html_page, "malformed JSON"),
    "JSON of the wrong shape": (wrong_shape, "malformed response"),
    "fewer translations than texts": (wrong_count, "malformed response"),
    "translations that are not strings": (not_strings, "malformed response"),
    "binary garbage": (binary, "malformed JSON"),
    "injects <script> and onerror": (hostile, "failed verification"),
    "drops the protected tags": (dropped_tokens, "failed verification"),
    "HTTP 500 echoing the key": (server_error_with_key, "HTTP 500"),
    "HTTP 400 echoing the key": (bad_request_with_key, "HTTP 400"),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_faulty_engine_is_reported_and_nothing_mangled_is_saved(
    prepared: Path, tmp_path: Path, fault: str
):
    msgfmt = require_tool("msgfmt")
    respond, reason = FAULTS[fault]
    engine = Engine(respond)
    try:
        site = project_for(prepared, tmp_path, engine.url, 1.5 if respond is hang else 3)
        before = everything(site)
        env = {**os.environ, "LIBRE_API_KEY": KEY, "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.run(
            [LOCPIPE, "-C", str(site), "translate", "--lang", "fr"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,  # a safety net: the [mt] deadline (3 s) ends the run
        )
        report = subprocess.run(
            [LOCPIPE, "-C", str(site), "report"], capture_output=True, text=True, env=env
        )
    finally:
        engine.close()
    output = proc.stdout + proc.stderr
    assert engine.requests and all(r.get("api_key") == KEY for r in engine.requests)
    assert proc.returncode == 3, output
    assert "Traceback" not in output and "not translated" in output, output
    assert reason in output, output
    assert KEY not in output and KEY not in report.stdout + report.stderr
    assert report.returncode == 0, report.stderr
    after = everything(site)
    for relative, data in after.items():
        assert KEY.encode() not in data, relative  # catalogs, cache, report, anything
    changed = {r for r in after if after[r] != before.get(r)}
    # (French catalogs only for their code units, copied without the engine: see below)
    assert all(r.startswith((".locpipe-cache", "build/report", "locales/fr/")) for r in changed)
    for path in sorted((site / "locales").rglob("*.po")):
        check = subprocess.run(
            [msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True
        )
        assert check.returncode == 0, path
    assert (
        not [  # nothing saved: every French entry still untranslated, but code copied
            e.msgid
            for path in (site / "locales/fr/LC_MESSAGES").glob("*.po")
            for e in polib.pofile(str(path))
            if e.msgid and e.msgstr and VERBATIM_COMMENT not in e.tcomment
        ]
    )
    if respond is hang:  # each attempt lasts at least its timeout: few fit in the deadline
        assert len(engine.requests) <= 4, len(engine.requests)

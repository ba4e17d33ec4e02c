"""Online engines against HTTP servers on 127.0.0.1 that speak each engine's API.

LibreTranslate and Microsoft are called directly (base URL configurable),
DeepL through the official ``deepl`` package (``server_url``), Google and
MyMemory through deep-translator's own client code with its base-URL
constant patched to loopback.  No test reaches the internet.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import polib
import pytest
import requests
from click.testing import CliRunner

from conftest import copy_sample_site, require_tool
from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.mt import get_backend
from locpipe.mt.deepl import DeepLBackend
from locpipe.mt.http import RequestRunner
from locpipe.mt.libre import LibreBackend
from locpipe.mt.microsoft import MicrosoftBackend
from locpipe.mt.settings import Limits, parse_settings
from locpipe.project import Project
from locpipe.steps.translate import summary_lines, translate
from locpipe.units import TAG_RE

ROOT = Path(__file__).resolve().parents[1]
KEY = "7f3c2a91-5b4e-4d2a-9c8e-1a2b3c4d5e6f:fx"  # shaped like a DeepL key
TOKEN_RE = re.compile(r'<x id="\d+"/>')


def fake_translate(text: str, target: str) -> str:
    """A deterministic 'translation' that keeps markup: words get a target marker."""
    parts = re.split(r"(<[^>]*>|⟦\d+⟧)", text)
    return "".join(
        p if p.startswith(("<", "⟦")) else re.sub(r"([^\W\d_]+)", rf"\1·{target}", p) for p in parts
    )


class Server:
    """A threaded HTTP server; ``script`` decides each response, ``requests`` records them."""

    def __init__(self, respond: Callable[[Server, dict[str, Any]], tuple[int, dict, bytes]]):
        self.respond = respond
        self.requests: list[dict[str, Any]] = []
        self.plan: list[
            str
        ] = []  # one behaviour per request: ok, 429, 500, hang, malformed, mangle
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        #: Answer HTTP/1.1 (connections kept open) instead of HTTP/1.0.
        self.keep_alive = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # headers and body are two writes

            def log_message(self, *args: Any) -> None:
                pass

            @property  # type: ignore[override]
            def protocol_version(self) -> str:
                return "HTTP/1.1" if server.keep_alive else "HTTP/1.0"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                request = {
                    "method": self.command,
                    "path": url.path,
                    "query": parse_qs(url.query),
                    "headers": dict(self.headers),
                    "body": body,
                    "client": self.client_address,
                }
                with server.lock:
                    server.requests.append(request)
                    behaviour = server.plan.pop(0) if server.plan else "ok"
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                counted = [True]  # in flight until its answer is sent, not until this thread ends

                def answered() -> None:
                    with server.lock:
                        if counted:
                            server.in_flight -= 1
                            counted.clear()

                try:
                    if behaviour == "hang":
                        server.release.wait(5)
                        return
                    if behaviour == "slow":
                        server.release.wait(0.05)
                        behaviour = "ok"
                    if behaviour in ("429", "500", "503"):
                        headers = {"Retry-After": "7"} if behaviour == "429" else {}
                        status, body_out = int(behaviour), b'{"error": "busy"}'
                    elif behaviour == "malformed":
                        status, headers, body_out = 200, {}, b'{"translatedText": ['
                    else:
                        request["behaviour"] = behaviour
                        status, headers, body_out = server.respond(server, request)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body_out)))
                    answered()  # the client may send its next request once it has the answer
                    self.end_headers()
                    self.wfile.write(body_out)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    answered()

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def translate_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if "translate" in r["path"] or r["path"] in ("/", "/get")]


def mangle(text: str, behaviour: str) -> str:
    if behaviour == "mangle":
        return TOKEN_RE.sub("", text)  # the engine drops the protected items
    if behaviour == "digits":
        return text + " 42"  # invents a number: never verifiable
    return text


def libre_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    data = json.loads(request["body"])
    request["json"] = data
    texts = data["q"] if isinstance(data["q"], list) else [data["q"]]
    out = [mangle(fake_translate(t, data["target"]), request["behaviour"]) for t in texts]
    return 200, {"Content-Type": "application/json"}, json.dumps({"translatedText": out}).encode()


@pytest.fixture
def libre():
    server = Server(libre_respond)
    yield server
    server.close()


class NoSleep:
    """Records the delays the runner asks for instead of sleeping (no timed assertions)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def libre_backend(url: str, **limits: Any) -> LibreBackend:
    settings = parse_settings(
        {"retries": 3, "backoff": 0.01, "timeout": 0.5, **limits, "libre": {"url": url}}
    )
    backend = LibreBackend(do_not_translate=["DNS"], options={"mt": settings})
    backend.runner.sleep = NoSleep()
    backend.runner.limiter.sleep = NoSleep()
    return backend


def test_libre_batches_units_into_q_lists(libre: Server):
    backend = libre_backend(libre.url, batch_units=50, rate_limit=0)
    texts = [f"Il <strong>DNS</strong> numero {i} usa la <a1>cache</a1>." for i in range(120)]
    out = backend.translate(texts, "it", "en")
    assert len(libre.requests) == 3  # 50 + 50 + 20, not 120
    sizes = sorted(len(r["json"]["q"]) for r in libre.requests)
    assert sizes == [20, 50, 50]
    first = libre.requests[0]["json"]
    assert first["format"] == "html" and first["source"] == "it" and first["target"] == "en"
    assert "api_key" not in first  # a self-hosted server needs no key
    assert libre.requests[0]["query"] == {}  # the text travels in the body, not in the URL
    assert '<x id="0"/>' in first["q"][0] and "DNS" not in first["q"][0]
    assert out[0] == "Il·en <strong>DNS</strong> numero·en 0 usa·en la·en <a1>cache·en</a1>."
    assert all(TAG_RE.findall(o) == TAG_RE.findall(t) for o, t in zip(out, texts, strict=True))


def test_429_with_retry_after_then_success(libre: Server):
    backend = libre_backend(libre.url, max_backoff=30)
    libre.plan = ["429", "ok"]
    assert backend.translate(["Ciao mondo"], "it", "en") == ["Ciao·en mondo·en"]
    assert len(libre.requests) == 2
    assert backend.runner.sleep.delays == [7.0]  # Retry-After honoured


def test_5xx_are_retried_with_backoff(libre: Server):
    backend = libre_backend(libre.url)
    libre.plan = ["500", "503", "500", "ok"]
    assert backend.translate(["Ciao"], "it", "fr") == ["Ciao·fr"]
    assert len(libre.requests) == 4
    assert backend.runner.retried == 3
    second, third = backend.runner.sleep.delays  # the first retry is immediate
    assert 0.02 <= second < 0.03 and 0.04 <= third < 0.05  # exponential, jittered


def test_a_malformed_answer_is_retried(libre: Server):
    backend = libre_backend(libre.url)
    libre.plan = ["malformed", "500", "malformed", "ok"]
    assert backend.translate(["Ciao"], "it", "fr") == ["Ciao·fr"]
    assert len(libre.requests) == 4 and backend.runner.retried == 3


def test_connections_are_reused(libre: Server):
    backend = libre_backend(libre.url, batch_units=10, rate_limit=0, max_in_flight=1)
    libre.keep_alive = True
    assert all(backend.translate([f"Frase {i}" for i in range(30)], "it", "en"))
    assert len(libre.requests) == 3
    assert len({r["client"] for r in libre.requests}) == 1  # one connection, three requests
    backend.close()


def test_a_silent_server_times_out_and_the_retry_succeeds(libre: Server):
    backend = libre_backend(libre.url, timeout=0.2)
    libre.plan = ["hang", "ok"]
    assert backend.translate(["Ciao"], "it", "es") == ["Ciao·es"]
    assert len(libre.requests) == 2


def test_persistent_failure_leaves_units_untranslated_and_uncached(libre: Server):
    backend = libre_backend(libre.url, retries=2)
    libre.plan = ["503"] * 3
    [outcome] = backend.translate_outcomes(["Ciao"], "it", "en")
    assert outcome.text is None and outcome.transient
    assert "HTTP 503" in (outcome.error or "")
    assert len(libre.requests) == 3


def test_deadline_stops_sending(libre: Server):
    backend = libre_backend(libre.url, timeout=0.2, deadline=0.3, retries=10)
    libre.plan = ["hang"] * 10
    [outcome] = backend.translate_outcomes(["Ciao"], "it", "en")
    assert outcome.text is None and outcome.transient
    assert len(libre.requests) <= 3


def test_requests_in_flight_are_bounded(libre: Server):
    backend = libre_backend(libre.url, batch_units=1, max_in_flight=2, rate_limit=0)
    libre.plan = ["slow"] * 8
    out = backend.translate([f"Frase {i}" for i in range(8)], "it", "en")
    assert all(out) and len(libre.requests) == 8
    assert libre.max_in_flight <= 2


def test_rate_limit_spaces_request_starts():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    runner = RequestRunner(Limits(rate_limit=4, retries=0), clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        runner.call(lambda timeout: None)
    assert waits == [0.25] * 4  # 4 requests per second


def test_retry_after_never_goes_past_the_deadline(libre: Server):
    backend = libre_backend(libre.url, deadline=5, max_backoff=60)
    libre.plan = ["429"] * 3  # Retry-After: 7, longer than the 5 s left
    [outcome] = backend.translate_outcomes(["Ciao"], "it", "en")
    assert outcome.text is None and outcome.transient
    assert "HTTP 429" in (outcome.error or "") and "deadline" in (outcome.error or "")
    assert len(libre.requests) == 1 and backend.runner.sleep.delays == []


def test_a_mangled_tag_falls_back_to_text_runs(libre: Server):
    backend = libre_backend(libre.url)
    libre.plan = ["mangle", "ok"]
    text = "Apri <a1>la guida</a1> sul <strong>DNS</strong> oggi"
    [out] = backend.translate([text], "it", "en")
    assert out == "Apri·en <a1>la·en guida·en</a1> sul·en <strong>DNS</strong> oggi·en"
    fallback = libre.requests[1]["json"]["q"]
    assert fallback == ["Apri", "la guida", "sul", "oggi"]  # the runs between tags


def test_a_unit_failing_twice_is_left_untranslated(libre: Server):
    backend = libre_backend(libre.url)
    libre.plan = ["mangle", "digits"]
    [outcome] = backend.translate_outcomes(["Apri <a1>la guida</a1>"], "it", "en")
    assert outcome.text is None and not outcome.transient
    assert "verification" in (outcome.error or "")


def test_glossary_forces_a_term_translation(libre: Server):
    settings = parse_settings({"libre": {"url": libre.url}})
    backend = LibreBackend(
        options={"mt": settings},
        glossary={"en": {"apprendimento continuo": "continual learning"}},
    )
    [out] = backend.translate(["L'apprendimento continuo e l'Apprendimento continuo"], "it", "en")
    assert out == "L·en'continual learning e·en l·en'Continual learning"
    assert "apprendimento" not in libre.requests[0]["json"]["q"][0]


# --------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    copy_sample_site(folder)
    for command in ("extract", "update"):
        assert CliRunner().invoke(main, ["-C", str(folder), command]).exit_code == 0
    return folder


@pytest.fixture
def site(prepared: Path, tmp_path: Path, libre: Server) -> Path:
    shutil.copytree(prepared, tmp_path / "site")
    config = tmp_path / "site" / "locpipe.toml"
    text = config.read_text().replace('backend = "apertium"', 'backend = "libre"')
    config.write_text(
        text + f'\n[mt]\nretries = 1\nbackoff = 0.001\n\n[mt.libre]\nurl = "{libre.url}"\n',
        encoding="utf-8",
    )
    return tmp_path / "site"


def test_pipeline_caches_and_a_rerun_costs_nothing(site: Path, libre: Server):
    result = translate(Project(site), ("en",))
    units = result.engine_texts
    assert result.translated > units > 0 and not result.failures
    assert len(libre.requests) == -(-units // 50) * 1 or len(libre.requests) <= units // 10
    first = len(libre.requests)
    for path in (site / "locales/en/LC_MESSAGES").glob("*.po"):
        path.unlink()
    assert CliRunner().invoke(main, ["-C", str(site), "update"]).exit_code == 0
    again = translate(Project(site), ("en",))
    assert len(libre.requests) == first  # zero requests
    assert again.translated == result.translated and again.cache_hits == units


def test_network_failure_mid_run_keeps_what_succeeded(site: Path, libre: Server):
    libre.plan = ["ok", "500", "500"] + ["ok"] * 100
    result = translate(Project(site), ("fr",), batch_size=20)
    failed = [f.msgid for f in result.failures]
    assert failed and all("HTTP 500" in f.reason for f in result.failures)
    saved = [
        e
        for p in (site / "locales/fr/LC_MESSAGES").glob("*.po")
        for e in polib.pofile(str(p))
        if (e.msgstr or any(e.msgstr_plural.values())) and not e.obsolete
    ]
    assert len(saved) == result.translated > 0
    before = len(libre.requests)
    again = translate(Project(site), ("fr",))
    assert not again.failures and again.translated == len(failed)
    sent = [t for r in libre.requests[before:] for t in r["json"]["q"]]
    assert len(sent) == len(set(failed))  # only the failed units go again, once each


def test_cli_reports_failures_without_leaking_the_key(
    site: Path, libre: Server, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("LIBRE_API_KEY", KEY)
    original = libre.respond

    def leaky(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
        return 400, {}, json.dumps({"error": f"bad key {KEY} for {request['path']}"}).encode()

    libre.respond = leaky
    result = CliRunner().invoke(main, ["-C", str(site), "translate", "--lang", "es"])
    assert libre.requests and json.loads(libre.requests[0]["body"])["api_key"] == KEY
    assert KEY not in result.output and "not translated" in result.output
    step = translate(Project(site), ("es",))
    summary = "\n".join(summary_lines(step, str))
    assert step.failures and "HTTP 400: bad key *** for /translate" in summary
    assert KEY not in summary
    libre.respond = original
    run = CliRunner().invoke(main, ["-C", str(site), "translate", "--lang", "es"])
    assert run.exit_code == 0 and KEY not in run.output
    for path in (site / "locales").rglob("*.po"):
        assert KEY not in path.read_text(encoding="utf-8")
    assert KEY.encode() not in (site / ".locpipe-cache/mt.sqlite3").read_bytes()


def test_credentials_come_only_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DEEPL_API_KEY", raising=False)
    with pytest.raises(LocpipeError, match="set the environment variable DEEPL_API_KEY"):
        get_backend("deepl").check_pair("it", "en")
    with pytest.raises(LocpipeError, match="environment variables only"):
        parse_settings({"deepl": {"api_key": KEY}})


def test_language_codes_are_mapped_per_engine(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DEEPL_API_KEY", KEY)
    deepl = DeepLBackend()
    assert [deepl.code(c, "target") for c in ("en", "en_GB", "pt_BR", "pt", "zh_Hant", "nb")] == [
        "EN-US",
        "EN-GB",
        "PT-BR",
        "PT-PT",
        "ZH-HANT",
        "NB",
    ]
    assert deepl.code("pt_BR", "source") == "PT"
    with pytest.raises(LocpipeError, match=r"deepl does not support 'cy' as a target language"):
        deepl.check_pair("it", "cy")
    libre = LibreBackend()
    assert [libre.code(c, "target") for c in ("zh_Hant", "zh_Hans", "pt_BR", "nb")] == [
        "zt",
        "zh",
        "pt-BR",
        "nb",
    ]
    monkeypatch.setenv("MICROSOFT_API_KEY", KEY)
    ms = MicrosoftBackend()
    assert [ms.code(c, "target") for c in ("zh_Hant", "pt_BR", "pt_PT", "nb")] == [
        "zh-Hant",
        "pt",
        "pt-PT",
        "nb",
    ]
    google = get_backend("google")
    assert [google.code(c, "target") for c in ("zh_Hant", "he", "nb", "pt_BR")] == [
        "zh-TW",
        "iw",
        "no",
        "pt",
    ]
    with pytest.raises(LocpipeError, match="google does not support 'tok'"):
        google.code("tok", "target")


# --------------------------------------------------------------------------- other engines


def deepl_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    if request["headers"].get("Content-Type", "").startswith("application/json"):
        data = json.loads(request["body"])
    else:
        data = {
            k: v if k == "text" else v[0] for k, v in parse_qs(request["body"].decode()).items()
        }
    request["form"] = data
    target = data["target_lang"].lower()
    out = [
        {
            "text": fake_translate(t, target),
            "detected_source_language": "IT",
            "billed_characters": len(t),
        }
        for t in data["text"]
    ]
    return 200, {"Content-Type": "application/json"}, json.dumps({"translations": out}).encode()


def test_deepl_through_the_official_client_batches_with_xml_tags(monkeypatch: pytest.MonkeyPatch):
    server = Server(deepl_respond)
    try:
        monkeypatch.setenv("DEEPL_API_KEY", KEY)
        settings = parse_settings({"retries": 2, "backoff": 0.001, "deepl": {"url": server.url}})
        backend = get_backend("deepl", options={"mt": settings})
        server.plan = ["429"]
        backend.runner.sleep = NoSleep()
        texts = ["Il <b>DNS</b> usa la cache.", "Scrivi a dino@example.org", "Ciao"]
        out = backend.translate(texts, "it", "pt_BR")
        assert out == [
            "Il·pt-br <b>DNS·pt-br</b> usa·pt-br la·pt-br cache·pt-br.",
            "Scrivi·pt-br a·pt-br dino@example.org",
            "Ciao·pt-br",
        ]
        calls = [r for r in server.requests if r["path"].endswith("/translate")]
        assert len(calls) == 2  # the 429, then one request for the three texts
        form = calls[-1]["form"]
        assert len(form["text"]) == 3 and form["tag_handling"] == "xml"
        assert form["target_lang"] == "PT-BR" and form["source_lang"] == "IT"
        assert all(KEY not in json.dumps(r["query"]) for r in server.requests)  # not in URLs
        assert backend.runner.retried == 1  # DeepL's client error, retried by the runner
        backend.close()
    finally:
        server.close()


def google_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    query = request["query"]
    text = fake_translate(query["q"][0], query["tl"][0])
    page = f'<html><body><div class="result-container">{text}</div></body></html>'
    return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


def test_google_through_deep_translator_gets_the_session(monkeypatch: pytest.MonkeyPatch):
    from deep_translator import constants, google

    server = Server(google_respond)
    try:
        monkeypatch.setitem(constants.BASE_URLS, "GOOGLE_TRANSLATE", server.url + "/m")
        settings = parse_settings({"timeout": 0.2, "retries": 2, "backoff": 0.001})
        backend = get_backend("google", options={"mt": settings})
        server.plan = ["hang", "429"]
        backend.runner.sleep = NoSleep()
        out = backend.translate(["Il DNS usa la cache", "Ciao mondo"], "it", "en")
        assert out == ["Il·en DNS·en usa·en la·en cache·en", "Ciao·en mondo·en"]
        assert len(server.requests) == 4  # one per text + the hang + the 429
        assert 7.0 in backend.runner.sleep.delays  # Retry-After honoured by the session
        assert google.requests is requests  # deep-translator's own module, put back after a call
    finally:
        server.close()


def mymemory_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    query = request["query"]
    target = query["langpair"][0].split("|")[1]
    data = {
        "responseData": {"translatedText": fake_translate(query["q"][0], target)},
        "matches": [],
    }
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()


def test_mymemory_through_deep_translator(monkeypatch: pytest.MonkeyPatch):
    from deep_translator import constants

    server = Server(mymemory_respond)
    try:
        monkeypatch.setitem(constants.BASE_URLS, "MYMEMORY", server.url + "/get")
        settings = parse_settings({"retries": 1, "backoff": 0.001})
        backend = get_backend("mymemory", do_not_translate=["DNS"], options={"mt": settings})
        backend.runner.sleep = NoSleep()
        server.plan = ["malformed"]
        [out] = backend.translate(["Il <em>DNS</em> e la cache"], "it", "fr")
        assert out == "Il·fr-FR <em>DNS</em> e·fr-FR la·fr-FR cache·fr-FR"
        assert len(server.requests) == 2
        assert server.requests[-1]["query"]["langpair"] == ["it-IT|fr-FR"]
    finally:
        server.close()


def microsoft_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    data = json.loads(request["body"])
    target = request["query"]["to"][0]
    out = [
        {"translations": [{"text": fake_translate(d["Text"], target), "to": target}]} for d in data
    ]
    return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()


def test_microsoft_batches_html_texts(monkeypatch: pytest.MonkeyPatch):
    server = Server(microsoft_respond)
    try:
        monkeypatch.setenv("MICROSOFT_API_KEY", KEY)
        monkeypatch.setenv("MICROSOFT_REGION", "westeurope")
        settings = parse_settings({"microsoft": {"url": server.url}})
        backend = get_backend("microsoft", options={"mt": settings})
        out = backend.translate(["Uno <b>due</b>", "Tre"], "it", "zh_Hant")
        assert out == ["Uno·zh-Hant <b>due·zh-Hant</b>", "Tre·zh-Hant"]
        [request] = server.requests
        assert request["query"]["textType"] == ["html"] and request["query"]["to"] == ["zh-Hant"]
        assert request["headers"]["Ocp-Apim-Subscription-Key"] == KEY
        assert request["headers"]["Ocp-Apim-Subscription-Region"] == "westeurope"
    finally:
        server.close()


def test_backends_command_lists_engines_and_apertium_routes(
    prepared: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("DEEPL_API_KEY", raising=False)
    monkeypatch.setenv("MICROSOFT_API_KEY", KEY)
    result = CliRunner().invoke(main, ["-C", str(prepared), "backends"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "no" in lines["deepl"].split() and "DEEPL_API_KEY" in lines["deepl"]
    assert "yes" in lines["microsoft"].split() and KEY not in result.output
    assert "scraped" in lines["google"]
    for name in ("libre", "mymemory", "pseudo", "apertium"):
        assert name in lines


def test_backends_command_shows_apertium_pivots(prepared: Path):
    require_tool("apertium-wblank-mode")
    result = CliRunner().invoke(main, ["-C", str(prepared), "backends"])
    assert result.exit_code == 0, result.output
    assert "it → fr: ita-cat | cat-fra (pivot: cat)" in result.output
    assert "it → es: ita-spa (direct)" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "http://user:{secret}@127.0.0.1:{port}",
        "http://{secret}@127.0.0.1:{port}",
        "http://127.0.0.1:{port}/?api_key={secret}",
        "http://127.0.0.1:{port}/translate#{secret}",
    ],
)
def test_credentials_in_an_engine_url_are_refused(site: Path, libre: Server, url: str):
    secret = "s3cr3t-in-the-url"
    port = libre.url.rsplit(":", 1)[1]
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8").replace(
        f'url = "{libre.url}"', f'url = "{url.format(secret=secret, port=port)}"'
    )
    config.write_text(text, encoding="utf-8")
    line = text[: text.index(secret)].count("\n") + 1
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["-C", str(site), "translate", "--lang", "fr"])
    assert result.exit_code == 2, result.output
    assert f"locpipe.toml:{line}" in result.output and "mt.libre.url" in result.output
    assert secret not in result.output and not libre.requests
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before  # nothing written: no catalog, no cache, no comment
    # Given to the backend directly (not through locpipe.toml): refused as well.
    with pytest.raises(LocpipeError) as refused:
        libre_backend(url.format(secret=secret, port=port))
    assert secret not in str(refused.value)


def test_the_machine_translation_comment_names_the_engine(site: Path, libre: Server):
    translate(Project(site), ("fr",))
    comments = {
        line
        for p in (site / "locales/fr/LC_MESSAGES").glob("*.po")
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("# machine translation:")
    }
    assert comments == {f"# machine translation: libre {libre.url}"}

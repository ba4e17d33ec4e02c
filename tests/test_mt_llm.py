"""The OpenAI-compatible chat backend against a loopback server imitating the API.

The fake model "translates" each unit with the online tests' marker
(``parola`` → ``parola·en``), keeping the ``<x id="N"/>`` items, and can
misbehave the way real models do: broken JSON, a unit left out, items
reordered, markup injected, an explanation instead of a translation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from conftest import copy_sample_site
from locpipe.cli import main
from locpipe.errors import LocpipeError
from locpipe.mt import get_backend
from locpipe.mt.llm import OpenAIChatBackend
from locpipe.mt.settings import parse_settings
from locpipe.project import Project
from locpipe.steps.translate import translate
from test_mt_online import NoSleep, Server, fake_translate

KEY = "sk-test-9f8e7d6c5b4a"


def chat_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    body = json.loads(request["body"])
    request["json"] = body
    units = json.loads(body["messages"][1]["content"])["units"]
    behaviour = request["behaviour"]
    target = body["messages"][0]["content"].split(" to ", 1)[1].split(" (", 1)[0][:2].lower()
    out = [{"id": u["id"], "text": fake_translate(u["text"], target)} for u in units]
    if behaviour == "missing":
        out = out[1:]
    elif behaviour == "reordered":
        out = out[::-1]
    elif behaviour == "inject":
        out[0]["text"] += " <img src=x onerror=alert(document.cookie)>"
    elif behaviour == "explain-unit":
        out[0]["text"] = (
            "Here is the translation you asked for, with some notes on the choices I made: "
            + out[0]["text"]
            + " (I kept the technical terms in English because they are common.)"
        )
    content = json.dumps({"translations": out}, ensure_ascii=False)
    if behaviour == "fenced":
        content = f"```json\n{content}\n```"
    elif behaviour == "explain":
        content = "Sure! Translating technical text requires care. Here is my advice: ..."
    elif behaviour == "broken":
        content = content[: len(content) // 2]
    answer = {"choices": [{"message": {"role": "assistant", "content": content}}]}
    return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()


@pytest.fixture
def model():
    server = Server(chat_respond)
    yield server
    server.close()


def backend_for(url: str, **extra: Any) -> OpenAIChatBackend:
    settings = parse_settings(
        {
            "retries": 2,
            "backoff": 0.01,
            "timeout": 2,
            "openai": {"url": url + "/v1", "model": "fake-7b"},
        }
    )
    backend = get_backend("openai", do_not_translate=["DNS"], options={"mt": settings}, **extra)
    assert isinstance(backend, OpenAIChatBackend)
    backend.runner.sleep = NoSleep()
    backend.runner.limiter.sleep = NoSleep()
    return backend


TEXTS = [
    "Apri <a1>la guida</a1> sul <strong>DNS</strong> oggi.",
    "Scrivi a %(email)s entro il 3 maggio.",
    "Il comando <code>ls -la</code> elenca i file.",
]


def test_a_whole_batch_in_one_request_with_context_and_terms(model: Server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    backend = backend_for(model.url, glossary={"en": {"guida": "guide"}})
    out = backend.translate(TEXTS, "it", "en")
    assert out == [
        "Apri·en <a1>la·en guide</a1> sul·en <strong>DNS</strong> oggi·en.",
        "Scrivi·en a·en %(email)s entro·en il·en 3 maggio·en.",
        "Il·en comando·en <code>ls -la</code> elenca·en i·en file·en.",
    ]
    [request] = model.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    body = request["json"]
    assert body["model"] == "fake-7b" and body["temperature"] == 0
    system = body["messages"][0]["content"]
    assert "from Italian (it) to English (en)" in system and "document order" in system
    assert "Never translate these terms: DNS." in system and "guida → guide" in system
    units = json.loads(body["messages"][1]["content"])["units"]
    assert [u["id"] for u in units] == [0, 1, 2]  # all of them: each has its neighbours
    assert "DNS" not in units[0]["text"] and '<x id="' in units[0]["text"]
    assert "ls -la" not in units[2]["text"]  # code never reaches the model
    assert backend.describe("it", "en") == f"openai fake-7b {model.url}/v1"


def test_reordered_and_fenced_answers_are_matched_by_id(model: Server) -> None:
    backend = backend_for(model.url)
    expected = backend.translate(TEXTS, "it", "fr")
    # A unit left out once is asked again run by run (the fallback).
    for behaviour in ("reordered", "fenced", "missing"):
        model.plan = [behaviour]
        assert backend.translate(TEXTS, "it", "fr") == expected


@pytest.mark.parametrize(
    ("behaviour", "failing", "reason"),
    [
        ("missing", [0], "verification"),  # left out, and its runs too
        ("inject", [0], "markup"),
        ("explain-unit", [0], "far longer"),
        ("explain", [0, 1, 2], "did not answer with the JSON"),
        ("broken", [0, 1, 2], "did not answer with the JSON"),
    ],
)
def test_a_misbehaving_model_fails_only_what_it_broke(
    model: Server, behaviour: str, failing: list[int], reason: str
) -> None:
    backend = backend_for(model.url)
    model.plan = [behaviour] * 3  # the fallback request misbehaves too
    outcomes = backend.translate_outcomes(TEXTS, "it", "en")
    for i, outcome in enumerate(outcomes):
        if i in failing:
            assert outcome.text is None and reason in (outcome.error or ""), outcome
        else:
            assert outcome.text and "·en" in outcome.text
    assert len(model.requests) <= 2  # one batch, at most one fallback; JSON errors not retried


def test_model_and_key_are_required_where_needed(model: Server, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = parse_settings({"openai": {"url": model.url + "/v1"}})
    with pytest.raises(LocpipeError, match="model"):
        get_backend("openai", options={"mt": settings}).check_pair("it", "en")
    official = parse_settings({"openai": {"model": "gpt-4o-mini"}})
    with pytest.raises(LocpipeError, match="OPENAI_API_KEY"):
        get_backend("openai", options={"mt": official}).check_pair("it", "en")
    backend_for(model.url).check_pair("it", "en")  # a local server needs no key


def test_translate_step_with_a_local_model(model: Server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    site = tmp_path / "site"
    copy_sample_site(site)
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8").replace('backend = "apertium"', 'backend = "openai"')
    config.write_text(
        text + f'\n[mt.openai]\nurl = "{model.url}/v1"\nmodel = "fake-7b"\n', encoding="utf-8"
    )
    for command in ("extract", "update"):
        assert CliRunner().invoke(main, ["-C", str(site), command]).exit_code == 0
    model.plan = ["ok"] + ["missing"] * 4 + ["ok"] * 50  # the piece-by-piece retries too
    result = translate(Project(site), ("en",))
    assert result.translated > 0 and len(result.failures) >= 1
    drafts = [
        e
        for p in (site / "locales/en/LC_MESSAGES").glob("*.po")
        for e in polib.pofile(str(p))
        if e.msgstr and "fuzzy" in e.flags
    ]
    assert drafts and all(
        f"machine translation: openai fake-7b {model.url}/v1" in e.tcomment for e in drafts
    )
    for path in site.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    # Each unit names its article, whose title travels with the batch as context.
    sent = [json.loads(r["json"]["messages"][1]["content"]) for r in model.requests]
    titles = {t for request in sent for t in request.get("articles", [])}
    assert "Come si riducono le dimensioni di un’immagine Docker?" in titles
    units = [u for request in sent for u in request["units"]]
    assert sum("article" in u for u in units) > len(units) // 2  # all but the UI strings
    before = len(model.requests)
    again = translate(Project(site), ("en",))  # only what failed goes again
    assert not again.failures
    sent = [
        u
        for r in model.requests[before:]
        for u in json.loads(r["json"]["messages"][1]["content"])["units"]
    ]
    assert len(sent) == len(result.failures)
    shutil.rmtree(site)

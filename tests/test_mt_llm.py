"""The OpenAI-compatible chat backend against a loopback server that imitates the API.

The server answers like a chat model would, and like models misbehave: wrong
JSON, a missing item, items reordered, markup injected, a marker dropped, an
explanation instead of a translation.  No test reaches the internet.
"""

from __future__ import annotations

import json
import re
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
from test_mt_online import NoSleep, Server

MARKER_RE = re.compile(r"⟦\d+⟧")


def model_translate(text: str) -> str:
    """A deterministic 'model': each word gets a French marker, markers kept."""
    parts = re.split(r"(⟦\d+⟧)", text)
    return "".join(
        p if MARKER_RE.fullmatch(p) else re.sub(r"([^\W\d_]+)", r"\1·fr", p) for p in parts
    )


def chat_respond(server: Server, request: dict[str, Any]) -> tuple[int, dict, bytes]:
    data = json.loads(request["body"])
    request["json"] = data
    items = json.loads(data["messages"][-1]["content"])["items"]
    out = [{"id": item["id"], "text": model_translate(item["text"])} for item in items]
    behaviour = request["behaviour"]
    content = json.dumps({"translations": out}, ensure_ascii=False)
    if behaviour == "reordered":
        content = json.dumps({"translations": out[::-1]}, ensure_ascii=False)
    elif behaviour == "missing":
        content = json.dumps({"translations": out[:1] + out[2:]}, ensure_ascii=False)
    elif behaviour == "wrong_json":
        content = '{"translations": [{"id": 1, "text": "Bonjour"'
    elif behaviour == "explains":
        content = "Sure! Here is the translation of your items. The first one means hello."
    elif behaviour == "fenced":
        content = f"```json\n{content}\n```"
    elif behaviour == "inject":
        out[0]["text"] += ' <script>alert("x")</script>'
        content = json.dumps({"translations": out}, ensure_ascii=False)
    elif behaviour == "drop_marker":
        out[0]["text"] = MARKER_RE.sub("", out[0]["text"])
        content = json.dumps({"translations": out}, ensure_ascii=False)
    elif behaviour == "chatty_item":
        out[0]["text"] += " (Note: I kept the tone formal, as is usual for technical articles " * 3
        content = json.dumps({"translations": out}, ensure_ascii=False)
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


@pytest.fixture
def chat():
    server = Server(chat_respond)
    yield server
    server.close()


def chat_backend(url: str, **extra: Any) -> OpenAIChatBackend:
    settings = parse_settings(
        {"retries": 2, "backoff": 0.01, "timeout": 2, "rate_limit": 0,
         "openai": {"url": url + "/v1", "model": "tiny-test-model"}, **extra}
    )  # fmt: skip
    backend = get_backend(
        "openai",
        do_not_translate=["DNS"],
        options={"mt": settings},
        glossary={"fr": {"resolver": "résolveur"}},
    )
    assert isinstance(backend, OpenAIChatBackend)
    backend.runner.sleep = NoSleep()
    backend.runner.limiter.sleep = NoSleep()
    return backend


TEXTS = [
    "Il <strong>DNS</strong> usa la cache.",
    "Apri il file di configurazione.",
    "Riavvia il servizio dopo <code>5</code> minuti.",
]


def test_a_batch_is_one_request_with_instructions_and_neighbours(chat: Server):
    backend = chat_backend(chat.url)
    out = backend.translate(TEXTS, "it", "fr")
    assert len(chat.requests) == 1
    request = chat.requests[0]
    assert request["path"] == "/v1/chat/completions"
    body = request["json"]
    assert body["model"] == "tiny-test-model" and body["temperature"] == 0
    system = body["messages"][0]["content"]
    assert "from Italian to French" in system
    assert "resolver → résolveur" in system and "Never translate: DNS" in system
    items = json.loads(body["messages"][1]["content"])["items"]
    assert [item["id"] for item in items] == [1, 2, 3]  # the whole batch, in order
    assert "DNS" not in items[0]["text"] and "⟦" in items[0]["text"]  # protected
    assert "Authorization" not in request["headers"]  # a local server needs no key
    assert out[0] == "Il·fr <strong>DNS</strong> usa·fr la·fr cache·fr."
    assert out[2] == "Riavvia·fr il·fr servizio·fr dopo·fr <code>5</code> minuti·fr."


def test_the_key_comes_from_the_environment(chat: Server, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    chat_backend(chat.url).translate(["Ciao"], "it", "fr")
    assert chat.requests[0]["headers"]["Authorization"] == "Bearer sk-test-0123456789"


def test_reordered_and_fenced_answers_are_matched_by_id(chat: Server):
    backend = chat_backend(chat.url)
    chat.plan = ["reordered", "fenced"]
    assert backend.translate(TEXTS[1:], "it", "fr") == [
        "Apri·fr il·fr file·fr di·fr configurazione·fr.",
        "Riavvia·fr il·fr servizio·fr dopo·fr <code>5</code> minuti·fr.",
    ]
    assert backend.translate(["Ciao"], "it", "fr") == ["Ciao·fr"]


def test_a_missing_item_fails_alone_and_is_not_cached(chat: Server):
    backend = chat_backend(chat.url)
    chat.plan = ["missing"]
    outcomes = backend.translate_outcomes(TEXTS, "it", "fr")
    assert outcomes[1].text is None and outcomes[1].transient  # tried again next run
    assert "left this item out" in (outcomes[1].error or "")
    assert outcomes[0].text and outcomes[2].text
    assert len(chat.requests) == 1


def test_a_dropped_marker_fails_verification_and_the_runs_are_sent_alone(chat: Server):
    backend = chat_backend(chat.url)
    chat.plan = ["drop_marker", "drop_marker"]  # the fallback has no markers to drop
    out = backend.translate(TEXTS, "it", "fr")
    assert out[0] == "Il·fr <strong>DNS</strong> usa·fr la·fr cache·fr."
    second = json.loads(chat.requests[1]["json"]["messages"][1]["content"])["items"]
    assert [item["text"] for item in second] == ["Il", "usa la cache."]


@pytest.mark.parametrize("behaviour", ["inject", "chatty_item"])
def test_a_bad_item_never_becomes_a_translation(chat: Server, behaviour: str):
    backend = chat_backend(chat.url)
    chat.plan = [behaviour, behaviour, behaviour]  # the fallback misbehaves too
    outcomes = backend.translate_outcomes(TEXTS, "it", "fr")
    assert outcomes[0].text is None
    assert ("verification" if behaviour == "inject" else "explanation") in outcomes[0].error
    assert outcomes[1].text and outcomes[2].text  # the others are fine
    assert all("<script>" not in (o.text or "") for o in outcomes)


@pytest.mark.parametrize("behaviour", ["wrong_json", "explains"])
def test_an_answer_that_is_not_json_is_retried(chat: Server, behaviour: str):
    backend = chat_backend(chat.url)
    chat.plan = [behaviour, "ok"]
    assert backend.translate(["Ciao"], "it", "fr") == ["Ciao·fr"]
    chat.plan = [behaviour] * 3
    [outcome] = backend.translate_outcomes(["Ciao"], "it", "fr")
    assert outcome.text is None and outcome.transient  # not cached: tried again next run
    assert "JSON" in (outcome.error or "")


def test_no_model_is_a_clear_error(chat: Server):
    settings = parse_settings({"openai": {"url": chat.url}})
    backend = get_backend("openai", options={"mt": settings})
    with pytest.raises(LocpipeError, match=r"\[mt.openai\] model"):
        backend.translate(["Ciao"], "it", "fr")
    assert chat.requests == []


def test_the_pipeline_drafts_a_site_through_a_chat_model(tmp_path: Path, chat: Server):
    site = copy_sample_site(tmp_path)
    for command in ("extract", "update"):
        assert CliRunner().invoke(main, ["-C", str(site), command]).exit_code == 0
    config = site / "locpipe.toml"
    text = config.read_text(encoding="utf-8").replace('backend = "apertium"', 'backend = "openai"')
    text += (
        f'\n[mt]\nrate_limit = 0\n\n[mt.openai]\nurl = "{chat.url}/v1"\nmodel = "tiny-test-model"\n'
    )
    config.write_text(text, encoding="utf-8")
    result = translate(Project(site), ("fr",))
    assert result.translated > 0
    catalog = polib.pofile(str(site / "locales/fr/LC_MESSAGES/ui.po"))
    drafts = [e for e in catalog if e.msgstr and "·fr" in e.msgstr]
    assert drafts and all(e.fuzzy for e in drafts)  # machine output is for review
    assert all("openai tiny-test-model" in e.tcomment for e in drafts)
    assert len(chat.requests) < result.engine_texts  # batches, not one request per unit

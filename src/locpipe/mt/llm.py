"""Large language models through an OpenAI-compatible chat API.

One backend for every server that speaks ``POST {url}/chat/completions``:
OpenAI itself, and the local servers teams run their own models on (Ollama's
``/v1``, vLLM, llama.cpp's ``llama-server``, LM Studio)::

    backend = "openai"

    [mt.openai]
    url = "http://127.0.0.1:11434/v1"   # default: https://api.openai.com/v1
    model = "qwen2.5:7b-instruct"        # required

The key, when the server wants one, comes from ``OPENAI_API_KEY`` (never from
locpipe.toml).  A batch of units goes in one request, in document order so
the model sees each unit's neighbours, with instructions that name the
languages, the glossary and the do-not-translate terms.  The model must
answer with a JSON object ``{"translations": [{"id": N, "text": "..."}]}``.

Nothing the model says is trusted: items are matched by id (a reordered
answer is fine); a protected ``⟦N⟧`` marker lost or duplicated, markup the
source did not have or other digits fail verification, and the unit goes
through the same run-by-run fallback as every online engine; an item left
out, or an answer far longer than its text (a model explaining instead of
translating), fails that unit for this run (not cached: tried again next
run).  An answer that is not JSON at all is retried like a malformed
response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError

from locpipe.errors import LocpipeError
from locpipe.mt.http import EngineError, TransientError
from locpipe.mt.online import OnlineBackend
from locpipe.mt.settings import Limits

#: An item the model left out (compared by identity, never by value).
_MISSING = "\x00missing"
_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)
#: An answer this many times longer than its source (plus some slack) explains
#: rather than translates; no language pair needs that much room.
_LONGEST = 3.0
_SLACK = 40


class OpenAIChatBackend(OnlineBackend):
    """Chat completions of an OpenAI-compatible server, one request per batch."""

    name = "openai"
    env = (("OPENAI_API_KEY", False),)
    markup = False  # items travel as ⟦N⟧, text as it is
    default_url = "https://api.openai.com/v1"
    default_limits = Limits(
        timeout=120.0, max_in_flight=2, rate_limit=1.0, batch_units=40, batch_chars=12000
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: language name sent to the model → locpipe's code (for the glossary)
        self.codes: dict[str, str] = {}

    @property
    def model(self) -> str:
        return str(self.engine_options.get("model") or "")

    def check_pair(self, source: str, target: str) -> None:
        if not self.model:
            raise LocpipeError('openai: set the model in locpipe.toml ([mt.openai] model = "...")')
        super().check_pair(source, target)

    def code(self, lang: str, role: str) -> str:
        """The language's English name, which every model understands ("French")."""
        try:
            name = Locale.parse(lang).get_display_name("en") or lang
        except (UnknownLocaleError, ValueError):
            raise LocpipeError(f"openai: unknown {role} language {lang!r}") from None
        self.codes[name] = lang
        return name

    def describe(self, source: str, target: str) -> str:
        return f"openai {self.model}"

    def instructions(self, source: str, target: str) -> str:
        """The system message: the task, the markers, the terms, the answer's shape."""
        lines = [
            f"You translate web articles from {source} to {target}.",
            "The user sends a JSON object whose items are consecutive units of the same "
            "articles (titles, headings, paragraphs, list items, table cells), in order: "
            "keep the terminology and tone consistent from one item to the next.",
            "Markers such as ⟦0⟧ stand for markup, code or names: copy each marker exactly "
            "once into the translation, where it belongs in the translated sentence. Never "
            "translate, add or drop a marker.",
            "Translate only. Add no notes, explanations, quotes or markup, and keep numbers "
            "as they are.",
            'Answer with one JSON object and nothing else: {"translations": [{"id": 1, '
            '"text": "..."}]}, one entry per item, with the item\'s id.',
        ]
        terms = self.glossary.get(self.codes.get(target, target), {})
        if terms:
            pairs = "; ".join(f"{k} → {v}" for k, v in sorted(terms.items()))
            lines.append(f"Glossary (always use these translations): {pairs}.")
        if self.do_not_translate:
            lines.append("Never translate: " + ", ".join(self.do_not_translate) + ".")
        return "\n".join(lines)

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        items = [{"id": i + 1, "text": text} for i, text in enumerate(texts)]
        body = {
            "model": self.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": self.instructions(source, target)},
                {"role": "user", "content": json.dumps({"items": items}, ensure_ascii=False)},
            ],
        }
        key = self.secret("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        data = self._post(f"{self.url}/chat/completions", timeout, json=body, headers=headers)
        answer = _parse_answer(_content(data))
        by_id: dict[int, str] = {}
        for item in answer:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                ident = item.get("id")
                if isinstance(ident, int) and not isinstance(ident, bool):
                    by_id.setdefault(ident, item["text"])
        return [by_id.get(i + 1, _MISSING) for i in range(len(texts))]

    def _run(self, rendered: Mapping[int, str], src: str, tgt: str) -> dict[int, str | EngineError]:
        """The base batches, then an item left out or explained fails (to be tried next run)."""
        results = super()._run(rendered, src, tgt)
        for i, out in results.items():
            if out is _MISSING:
                results[i] = TransientError("the model left this item out of its answer")
            elif isinstance(out, str) and len(out) > _LONGEST * len(rendered[i]) + _SLACK:
                results[i] = TransientError(
                    "the model's answer is far longer than the text: an explanation, "
                    "not a translation"
                )
        return results


def _content(data: Any) -> str:
    """The assistant message's text of a chat completion."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise TransientError("malformed response: no choices[0].message.content") from None
    if not isinstance(content, str):
        raise TransientError("malformed response: the message content is not text")
    return content


def _parse_answer(content: str) -> list[Any]:
    """The translations list of the model's JSON answer (code fences allowed)."""
    fenced = _FENCE_RE.match(content)
    if fenced:
        content = fenced.group(1)
    try:
        data = json.loads(content)
    except ValueError:
        raise TransientError("the model did not answer with the JSON object asked for") from None
    if isinstance(data, dict):
        data = data.get("translations", data.get("items"))
    if not isinstance(data, list):
        raise TransientError('the model\'s JSON has no "translations" list')
    return data

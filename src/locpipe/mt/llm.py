"""LLM engines through the OpenAI-compatible chat API (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio).

``[mt.openai]`` names the server and the model; the key, when the server needs
one, comes from ``OPENAI_API_KEY``::

    [mt.openai]
    url = "http://localhost:11434/v1"   # Ollama; default https://api.openai.com/v1
    model = "qwen2.5:7b"

A whole batch goes in one ``POST {url}/chat/completions``: the units in
document order (so each has its neighbours as context), as JSON objects
``{"id": N, "article": K, "text": …}`` (``K`` indexes the titles of their
articles, sent along as context), with the protected items (tags, code, URLs,
placeholders, do-not-translate and glossary terms) masked as ``<x id="N"/>``
exactly as for the other engines.  The instructions list the do-not-translate
terms and the target's glossary.  The model must answer
``{"translations": [{"id": N, "text": …}]}``; items are matched by id (order
does not matter).  Then the same verification as every engine (each item back
exactly once, tags nesting alike, digits), plus what only a model does: an
answer that is not that JSON fails its batch, a unit left out fails alone,
markup the source does not have or an answer far longer than its source (an
explanation instead of a translation) is refused.  Nothing refused is cached:
the next run asks again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from locpipe.errors import LocpipeError
from locpipe.mt.base import Outcome
from locpipe.mt.http import EngineError
from locpipe.mt.online import OnlineBackend
from locpipe.mt.protect import Masked
from locpipe.mt.settings import URL, Limits
from locpipe.units import TAG_RE

#: An answer longer than this many times its source (plus slack) is an explanation.
MAX_GROWTH = 3.0
GROWTH_SLACK = 40
_MARKUP_RE = re.compile(r"</?[A-Za-z][^<>]*>")
_FENCE_RE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")

_INSTRUCTIONS = """You are a professional translator for a website.
Translate each unit from {source} to {target}.
The units are consecutive pieces of web articles, in document order: use the
neighbouring units and the title of the article a unit comes from ("article":
an index into "articles") as context, but translate every unit on its own.
Rules:
- Every <x id="N"/> element is a protected item (markup, code, a link, a name).
  Copy each one exactly, once, where it belongs in the translation. Never add,
  drop, change or translate one, and add no other markup.
- Keep &lt; &gt; &amp; escapes as they are, and keep numbers unchanged.
- Translate only: no notes, no explanations, no alternatives.{terms}
Answer with JSON only, exactly this shape, one object per unit, same ids:
{{"translations": [{{"id": 0, "text": "..."}}]}}"""


class OpenAIChatBackend(OnlineBackend):
    """An OpenAI-compatible chat completions endpoint."""

    name = "openai"
    kind = "LLM chat API"
    env = (("OPENAI_API_KEY", False),)
    default_url = "https://api.openai.com/v1"
    # A model answers slowly: long timeouts, a few requests at a time.
    default_limits = Limits(timeout=120, max_in_flight=2, rate_limit=2, batch_units=40,
                            batch_chars=12000)  # fmt: skip
    markup = True
    wants_titles = True
    config_options = {"url": URL, "model": str}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = str(self.engine_options.get("model") or "").strip()
        self._terms: dict[str, str] = {}
        self._titles: dict[str, str] = {}  # source text → its article's title (this call)
        self._rendered_titles: dict[str, str] = {}  # engine input → its article's title

    def check_pair(self, source: str, target: str) -> None:
        if not self.model:
            raise LocpipeError(
                'openai: set the model in locpipe.toml: [mt.openai] model = "..." '
                "(and url for a local server: Ollama, vLLM, llama.cpp, LM Studio)"
            )
        if urlsplit(self.url).hostname == "api.openai.com" and not self.secret("OPENAI_API_KEY"):
            raise LocpipeError("openai: set the environment variable OPENAI_API_KEY")
        super().check_pair(source, target)

    def require_credentials(self) -> None:
        """The key is optional: local servers need none (see :meth:`check_pair`)."""

    def code(self, lang: str, role: str) -> str:
        """The language's English name and code (``Italian (it)``): what a model reads best."""
        from babel import Locale, UnknownLocaleError

        try:
            name = Locale.parse(lang).get_display_name("en")
        except (ValueError, UnknownLocaleError):
            raise LocpipeError(f"openai: unknown language {lang!r}") from None
        return f"{name} ({lang})"

    def describe(self, source: str, target: str) -> str:
        """``openai MODEL URL``: the cache key and the draft comment (no credentials:
        a URL holding any is refused)."""
        return f"{self.name} {self.model} {self.url}"

    def translate_outcomes(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        titles: Sequence[str] | None = None,
    ) -> list[Outcome]:
        """:meth:`OnlineBackend.translate_outcomes`; ``titles``: each text's article title."""
        self._terms = self._term_lines(target)
        self._titles = dict(zip(texts, titles, strict=True)) if titles else {}
        self._rendered_titles = {}
        outcomes = super().translate_outcomes(texts, source, target)
        return [_refuse(text, outcome) for text, outcome in zip(texts, outcomes, strict=True)]

    def render(self, masked: Masked) -> str:
        rendered = super().render(masked)
        title = self._titles.get(masked.source)
        if title:
            self._rendered_titles[rendered.strip()] = title
        return rendered

    def _term_lines(self, target: str) -> dict[str, str]:
        terms = {term: term for term in self.do_not_translate}
        terms.update(self.protector.glossary_for(target))
        return terms

    def instructions(self, source: str, target: str) -> str:
        """The system message for one language pair."""
        lines = []
        keep = [t for t, forced in self._terms.items() if t == forced]
        forced = {t: f for t, f in self._terms.items() if t != f}
        if keep:
            lines.append("- Never translate these terms: " + ", ".join(keep) + ".")
        if forced:
            pairs = "; ".join(f"{t} → {f}" for t, f in forced.items())
            lines.append(f"- Always translate these terms so: {pairs}.")
        terms = "\n" + "\n".join(lines) if lines else ""
        return _INSTRUCTIONS.format(source=source, target=target, terms=terms)

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        units: list[dict[str, Any]] = [{"id": i, "text": text} for i, text in enumerate(texts)]
        articles: list[str] = []
        for unit in units:
            title = self._rendered_titles.get(unit["text"])
            if title:
                if title not in articles:
                    articles.append(title)
                unit["article"] = articles.index(title)
        request: dict[str, Any] = {"articles": articles} if articles else {}
        request["units"] = units
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": self.instructions(source, target)},
                {"role": "user", "content": json.dumps(request, ensure_ascii=False)},
            ],
        }
        key = self.secret("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        data = self._post(f"{self.url}/chat/completions", timeout, json=body, headers=headers)
        return _answers(_content(data), len(texts))


def _content(data: Any) -> str:
    """The assistant message of a chat completion; EngineError when there is none."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise EngineError("malformed response: no choices[0].message.content") from None
    if not isinstance(content, str):
        raise EngineError("malformed response: the message content is not text")
    return content


def _answers(content: str, count: int) -> list[str]:
    """The translation of each unit by id; "" for a unit the model left out.

    An answer that is not the JSON asked for (prose, an explanation, broken
    JSON) fails the whole batch; it is final, not retried at once (the same
    model answers the same), and not cached.
    """
    text = _FENCE_RE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    try:
        data = json.loads(text[start : end + 1]) if 0 <= start < end else None
    except ValueError:
        data = None
    items = data.get("translations") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise EngineError("the model did not answer with the JSON asked for")
    found: dict[int, str | None] = {}
    for item in items:
        if not isinstance(item, Mapping):
            continue
        index, value = item.get("id"), item.get("text")
        if isinstance(index, bool) or not isinstance(index, int) or not isinstance(value, str):
            continue
        # The same id twice with different texts: neither is trusted.
        found[index] = value if found.get(index, value) == value else None
    return [found.get(i) or "" for i in range(count)]


def _refuse(source: str, outcome: Outcome) -> Outcome:
    """What a model may answer that verification alone does not catch."""
    text = outcome.text
    if text is None:
        return outcome
    if not text.strip() and source.strip():
        return Outcome(None, "openai: the model left this unit out")
    allowed = set(TAG_RE.findall(source)) | set(_MARKUP_RE.findall(source))
    if any(tag not in allowed for tag in _MARKUP_RE.findall(text)):
        return Outcome(None, "openai: the model added markup the source does not have")
    if len(text) > MAX_GROWTH * len(source) + GROWTH_SLACK:
        return Outcome(None, "openai: the answer is far longer than the source (an explanation?)")
    return outcome

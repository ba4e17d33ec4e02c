"""Deterministic generator of Italian-like sites and article-sized catalogs.

Articles are shaped like ``source_articles/``: a head with title, description
and Open Graph meta, then ``<article>`` with headings, paragraphs with inline
markup (strong, em, links, code, abbr), lists, a table with a caption, a
figure with ``alt`` and ``figcaption``, and a ``<pre>`` block.  A controlled
share of sentences comes from a site-wide pool (boilerplate repeated across
articles).  Everything depends only on the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

COMMON = [
    "il",
    "lo",
    "la",
    "i",
    "gli",
    "le",
    "un",
    "una",
    "di",
    "a",
    "da",
    "in",
    "con",
    "su",
    "per",
    "tra",
    "fra",
    "e",
    "o",
    "ma",
    "se",
    "che",
    "non",
    "più",
    "come",
    "anche",
    "quando",
    "dove",
    "perché",
    "mentre",
    "quindi",
    "però",
    "poi",
    "già",
    "sempre",
    "spesso",
    "molto",
    "poco",
    "tutto",
    "ogni",
    "questo",
    "quello",
    "altro",
    "stesso",
    "nuovo",
    "primo",
    "ultimo",
    "grande",
    "piccolo",
    "è",
    "sono",
    "ha",
    "hanno",
    "può",
    "possono",
    "deve",
    "devono",
    "viene",
    "vengono",
    "si",
    "fa",
    "fanno",
    "serve",
    "usa",
]
TECH = [
    "server",
    "client",
    "rete",
    "dominio",
    "record",
    "cache",
    "risposta",
    "richiesta",
    "modello",
    "dati",
    "file",
    "immagine",
    "livello",
    "pipeline",
    "deploy",
    "contenitore",
    "pagina",
    "sito",
    "motore",
    "ricerca",
    "link",
    "indice",
    "documento",
    "testo",
    "frase",
    "parola",
    "vettore",
    "ricerca",
    "sicurezza",
    "posta",
    "messaggio",
    "configurazione",
    "sistema",
    "libreria",
    "codice",
    "funzione",
    "errore",
    "tempo",
    "memoria",
    "disco",
    "utente",
    "accesso",
    "chiave",
    "certificato",
    "protocollo",
    "traffico",
    "latenza",
    "valore",
    "risultato",
    "propagazione",
    "aggiornamento",
    "versione",
    "progetto",
    "struttura",
    "contenuto",
    "strumento",
]
VERBS = [
    "configurare",
    "controllare",
    "aggiornare",
    "ridurre",
    "migliorare",
    "verificare",
    "scaricare",
    "installare",
    "pubblicare",
    "indicizzare",
    "calcolare",
    "confrontare",
    "salvare",
    "eliminare",
    "ottenere",
    "proteggere",
    "distribuire",
    "misurare",
    "ottimizzare",
    "leggere",
    "scrivere",
]
ADJ = [
    "veloce",
    "lento",
    "sicuro",
    "leggero",
    "pesante",
    "semplice",
    "complesso",
    "utile",
    "necessario",
    "pubblico",
    "privato",
    "locale",
    "remoto",
    "stabile",
    "recente",
    "interno",
    "esterno",
    "principale",
]
SYLLABLES = [
    "ca",
    "co",
    "ci",
    "ra",
    "ro",
    "ri",
    "ta",
    "to",
    "ti",
    "na",
    "no",
    "ni",
    "la",
    "lo",
    "li",
    "ma",
    "mo",
    "mi",
    "sa",
    "so",
    "si",
    "pe",
    "pa",
    "ve",
    "va",
    "de",
]
TERMS = ["DNS", "SEO", "Docker", "RAG", "LLM", "TTL", "HTTP", "GPU", "API"]


class Lexicon:
    """Italian words plus generated Italian-looking ones, drawn with a Zipf-like skew."""

    def __init__(self, rng: random.Random, extra: int = 3000):
        made = {
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            + rng.choice(["e", "o", "a", "i", "zione", "mente", "are"])
            for _ in range(extra)
        }
        self.content = TECH + VERBS + ADJ + sorted(made)
        self.weights = [1.0 / (rank + 5) for rank in range(len(self.content))]
        self.rng = rng

    def word(self) -> str:
        if self.rng.random() < 0.45:
            return self.rng.choice(COMMON)
        return self.rng.choices(self.content, self.weights)[0]

    def words(self, n: int) -> list[str]:
        return [self.word() for _ in range(n)]

    def sentence(self, low: int = 8, high: int = 30) -> str:
        words = self.words(self.rng.randint(low, high))
        if self.rng.random() < 0.3:
            words[self.rng.randrange(len(words))] = self.rng.choice(TERMS)
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", ".", "?", ":"])


def _inline(rng: random.Random, sentence: str) -> str:
    """Put some inline markup into a sentence (HTML source form)."""
    words = sentence.split(" ")
    if len(words) > 6 and rng.random() < 0.6:
        i = rng.randrange(1, len(words) - 3)
        kind = rng.choice(["strong", "em", "a", "code", "abbr"])
        span = " ".join(words[i : i + rng.randint(1, 3)])
        if kind == "a":
            html = (
                f'<a href="https://example.org/{rng.randrange(999)}/guida?x=1&amp;y=2">{span}</a>'
            )
        elif kind == "abbr":
            html = f'<abbr title="{span.capitalize()} esteso">{span.upper()}</abbr>'
        else:
            html = f"<{kind}>{span}</{kind}>"
        words[i : i + len(span.split(" "))] = [html]
    text = " ".join(words)
    return text.replace(" e ", " e&nbsp;", 1) if rng.random() < 0.2 else text


@dataclass
class SiteSpec:
    """How many articles, the share of site-wide repeated sentences, the seed."""

    articles: int = 100
    repeated_share: float = 0.15
    seed: int = 5


class SiteGenerator:
    """Makes articles one by one (streamed, never all in memory)."""

    def __init__(self, spec: SiteSpec):
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.lex = Lexicon(self.rng)
        self.pool = [self.lex.sentence() for _ in range(200)]

    def _sentence(self) -> str:
        if self.rng.random() < self.spec.repeated_share:
            return self.rng.choice(self.pool)
        return self.lex.sentence()

    def _paragraph(self) -> str:
        sentences = [_inline(self.rng, self._sentence()) for _ in range(self.rng.randint(1, 4))]
        body = "\n    ".join(sentences)
        return f"  <p>{body}</p>"

    def article(self, index: int) -> tuple[str, str]:
        """(slug, HTML) of article ``index``."""
        rng = self.rng
        title = self.lex.sentence(4, 9).rstrip(".:?") + "?"
        slug = f"articolo-{index:05d}"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="it">',
            "<head>",
            '  <meta charset="utf-8">',
            f"  <title>{title}</title>",
            f'  <meta name="description" content="{self.lex.sentence(12, 20)}">',
            f'  <meta property="og:title" content="{title}">',
            f'  <meta property="article:published_time" content="2026-{1 + index % 12:02d}-'
            f'{1 + index % 28:02d}">',
            "</head>",
            "<body>",
            "<article>",
            f"  <h1>{title}</h1>",
        ]
        for section in range(rng.randint(3, 6)):
            parts.append(f"  <h2>{section + 1}. {self.lex.sentence(3, 7).rstrip('.:?')}</h2>")
            for _ in range(rng.randint(1, 4)):
                parts.append(self._paragraph())
            roll = rng.random()
            if roll < 0.35:
                tag = rng.choice(["ul", "ol"])
                items = [
                    f"    <li>{_inline(rng, self.lex.sentence(4, 14))}</li>"
                    for _ in range(rng.randint(2, 6))
                ]
                parts += [f"  <{tag}>", *items, f"  </{tag}>"]
            elif roll < 0.5:
                head = "".join(f"<th>{w.capitalize()}</th>" for w in self.lex.words(3))
                rows = [
                    "      <tr>"
                    + "".join(
                        f"<td>{' '.join(self.lex.words(rng.randint(1, 4)))}</td>" for _ in range(3)
                    )
                    + "</tr>"
                    for _ in range(rng.randint(2, 5))
                ]
                parts += [
                    "  <table>",
                    f"    <caption>{self.lex.sentence(5, 10)}</caption>",
                    f"    <thead><tr>{head}</tr></thead>",
                    "    <tbody>",
                    *rows,
                    "    </tbody>",
                    "  </table>",
                ]
            elif roll < 0.65:
                parts += [
                    "  <figure>",
                    f'    <img src="img/{slug}-{section}.svg" alt="{self.lex.sentence(6, 12)}">',
                    f"    <figcaption>{self.lex.sentence(5, 12)}</figcaption>",
                    "  </figure>",
                ]
            elif roll < 0.75:
                parts.append(
                    "  <pre><code>docker build -t app .\nkubectl apply -f app.yaml</code></pre>"
                )
        parts += ["</article>", "</body>", "</html>", ""]
        return slug, "\n".join(parts)


def write_site(folder: Path, spec: SiteSpec) -> list[Path]:
    """Write ``spec.articles`` articles into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = SiteGenerator(spec)
    paths = []
    for index in range(spec.articles):
        slug, html = gen.article(index)
        path = folder / f"{slug}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def edit_article(text: str, seed: int = 1) -> str:
    """One article with one word changed in its first paragraph (for the incremental run)."""
    rng = random.Random(seed)
    start = text.index("<p>") + 3
    end = text.index(" ", start + 1)
    return text[:start] + rng.choice(["Nuovamente", "Inoltre", "Tuttavia"]) + text[end:]


def paragraphs(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct paragraph-sized msgids (8-30 words), Italian-like."""
    rng = random.Random(seed)
    lex = Lexicon(rng)
    seen: dict[str, None] = {}
    while len(seen) < count:
        text = lex.sentence(8, 30)
        if rng.random() < 0.2:
            text += " " + lex.sentence(3, 8)
        seen.setdefault(text)
    return list(seen)

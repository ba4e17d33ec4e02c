"""Small full pages shaped like real sites (written for these tests): two blog
pages with a header, a call to action, the article, a tag cloud and a footer
(like the DinoGeek seeds), and a chapter of a DocBook manual with its
Indietro/Avanti/Indice navigation."""

from __future__ import annotations

from pathlib import Path

BLOG = """<!DOCTYPE html>
<html lang="it">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <meta name="description" content="{description}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/site.css?v=3">
  <script src="/static/menu.js" defer></script>
  <script>window.dataLayer = window.dataLayer || []; /* <b>not markup</b> */</script>
</head>
<body class="post">
  <header class="top">
    <a class="logo" href="/"><img src="/static/logo.png" alt="Il Gufo Tecnico"></a>
    <p class="motto">Il Gufo Tecnico, ti spiega le cose difficili</p>
  </header>
  <div class="cta"><a href="/scrivi">Scrivi anche tu articoli chiari per il tuo sito</a></div>
  <main>
    <h1>{title}</h1>
    <p>{body}</p>
    <p>Se hai altre domande, scrivici pure!</p>
  </main>
  <aside class="tags">
    <a href="/t/dns">DNS</a> | <a href="/t/posta">Posta elettronica</a> |
    <a href="/t/nome">Nome di dominio</a>
  </aside>
  <footer>
    <p>Il Gufo Tecnico racconta in parole semplici le tecnologie complicate</p>
    <p>Vuoi comparire in questo articolo? Scrivici a <a href="mailto:gufo@example.org">gufo@example.org</a></p>
    <p><a href="/legale">Note legali</a> / <a href="/condizioni">Condizioni d'uso</a></p>
  </footer>
</body>
</html>
"""

CHAPTER = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
  <head>
    <title>Capitolo 2. Gestire i pacchetti</title>
    <link rel="stylesheet" type="text/css" href="manuale.css"/>
    <meta name="generator" content="DocBook XSL Stylesheets"/>
    <link rel="home" href="index.html" title="Il manuale del sistema"/>
    <link rel="next" href="ch03.html" title="Capitolo 3. Avviare il sistema"/>
  </head>
  <body>
    <div class="navheader">
      <table width="100%" summary="Navigation header">
        <tr><th colspan="3" align="center">Capitolo 2. Gestire i pacchetti</th></tr>
        <tr>
          <td align="left"><a accesskey="p" href="ch01.html"><img src="images/prev.png" alt="Indietro"/></a> </td>
          <th width="60%" align="center"> </th>
          <td align="right"> <a accesskey="n" href="ch03.html"><img src="images/next.png" alt="Avanti"/></a></td>
        </tr>
      </table>
      <hr/>
    </div>
    <div class="chapter">
      <h1 class="title"><a id="pacchetti"/>Capitolo 2. Gestire i pacchetti</h1>
      <p>Un pacchetto raccoglie i file di un programma e dice da quali altri dipende.</p>
    </div>
    <div class="navfooter">
      <hr/>
      <table width="100%" summary="Navigation footer">
        <tr>
          <td align="left"><a accesskey="p" href="ch01.html"><img src="images/prev.png" alt="Indietro"/></a> </td>
          <td align="center"> </td>
          <td align="right"> <a accesskey="n" href="ch03.html"><img src="images/next.png" alt="Avanti"/></a></td>
        </tr>
        <tr>
          <td align="left" valign="top">Capitolo 1. Primi passi </td>
          <td align="center"><a accesskey="h" href="index.html"><img src="images/home.png" alt="Indice"/></a></td>
          <td align="right" valign="top"> Capitolo 3. Avviare il sistema</td>
        </tr>
      </table>
    </div>
  </body>
</html>
"""

PAGES = {
    "dns.html": BLOG.format(
        title="Come funziona il DNS",
        description="Il DNS spiegato in breve.",
        body="Il DNS traduce i nomi in indirizzi, come una rubrica del telefono.",
    ),
    "posta.html": BLOG.format(
        title="Perché la posta finisce nello spam",
        description="Le cause più comuni.",
        body="Un messaggio senza firma DKIM sembra meno affidabile ai filtri.",
    ),
    "ch02.html": CHAPTER,
}
#: Strings of the chrome: each is in ``site.pot`` once, in no article's template.
CHROME = [
    "Il Gufo Tecnico, ti spiega le cose difficili",
    "Scrivi anche tu articoli chiari per il tuo sito",
    "Il Gufo Tecnico",
    "<a1>DNS</a1> | <a2>Posta elettronica</a2> | <a3>Nome di dominio</a3>",
    "Il Gufo Tecnico racconta in parole semplici le tecnologie complicate",
    "<a1>Note legali</a1> / <a2>Condizioni d'uso</a2>",
    "Indietro",
    "Avanti",
    "Indice",
]
CONFIG = """\
source_language = "it"
languages = ["it", "en", "es"]
backend = "pseudo"
layout = "page"
content = "main, div.chapter"

[paths]
source_articles = "pages"
"""


def write_site(root: Path, config: str = CONFIG) -> Path:
    """A project of :data:`PAGES` under ``root`` (templates: init's)."""
    from locpipe.scaffold import TEMPLATE_NAMES, template_text

    (root / "pages").mkdir(parents=True)
    for name, text in PAGES.items():
        (root / "pages" / name).write_text(text, encoding="utf-8")
    (root / "templates").mkdir()
    for name in TEMPLATE_NAMES:
        (root / "templates" / name).write_text(template_text(name, "it"), encoding="utf-8")
    (root / "locpipe.toml").write_text(config, encoding="utf-8")
    return root

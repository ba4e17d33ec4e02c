"""The ``Plural-Forms`` header of a new catalog, as GNU ``msginit`` writes it.

``msginit`` takes the rule from gettext's own table of languages first and
only then from CLDR.  Babel follows CLDR alone, and CLDR keeps adding forms
that editors and Weblate do not expect (Babel 2.19 gives French, Italian,
Spanish and Portuguese a third form for multiples of a million).  So the
languages of gettext's table get the rule ``msginit`` gives them, whatever
Babel says; any other language gets Babel's.  The table was read off
``msginit -l CODE`` (gettext 0.21) for every locale Babel knows, and a test
compares it with ``msginit`` again.  A catalog that exists keeps its header.
"""

from __future__ import annotations

from locpipe.errors import LocpipeError

_ONE_OTHER = "nplurals=2; plural=(n != 1);"
_ZERO_ONE_OTHER = "nplurals=2; plural=(n > 1);"
_NONE = "nplurals=1; plural=0;"
_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
_CZECH = "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"

_ONE_OTHER_LANGUAGES = "bg da de el en eo es et fi fo he hu it nb nl nn no pt sv tr"

#: Language (or language_TERRITORY) → the ``Plural-Forms`` value ``msginit`` writes.
GETTEXT_PLURAL_FORMS: dict[str, str] = {
    **dict.fromkeys(_ONE_OTHER_LANGUAGES.split(), _ONE_OTHER),
    **dict.fromkeys(["ja", "ko", "vi"], _NONE),
    **dict.fromkeys(["be", "hr", "ru", "sr", "uk"], _SLAVIC),
    **dict.fromkeys(["cs", "sk"], _CZECH),
    "fr": _ZERO_ONE_OTHER,
    "pt_BR": _ZERO_ONE_OTHER,
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "lt": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "pl": (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
}


def plural_forms(language: str) -> str:
    """The ``Plural-Forms`` value for a Babel locale code: gettext's rule for the
    locale or its language, else Babel's (CLDR); LocpipeError for an unknown one."""
    parts = language.split("_")
    for code in ("_".join(parts[:2]), parts[0]):
        if code in GETTEXT_PLURAL_FORMS:
            return GETTEXT_PLURAL_FORMS[code]
    from babel.messages.plurals import get_plural

    try:
        return get_plural(language).plural_forms
    except Exception as exc:  # babel.core.UnknownLocaleError derives from Exception only
        raise LocpipeError(f"unknown language {language!r}: {exc}") from exc


#: The numbers tried to find examples of each form: 1 upwards first, 0 last, so that
#: English reads "form 1 (n = 2, 3…)" rather than "(n = 0, 2…)".
_EXAMPLE_NUMBERS = (*range(1, 1001), 0)


def form_labels(header: str, nforms: int) -> list[str]:
    """A label per plural form with example numbers from a ``Plural-Forms`` value:
    ``["form 0 (n = 1)", "form 1 (n = 2, 3…)"]``.  The header comes from a catalog
    (untrusted): it is compiled by the standard library's ``gettext.c2py``, which
    accepts only C arithmetic on ``n``; one it refuses gives plain ``form 0``…"""
    import gettext
    import re

    labels = [f"form {i}" for i in range(nforms)]
    match = re.search(r"plural\s*=\s*([^;]+)", header or "")
    if match is None:
        return labels
    try:
        rule = gettext.c2py(match.group(1).strip())
        found: dict[int, list[int]] = {}
        for n in _EXAMPLE_NUMBERS:
            found.setdefault(int(rule(n)), []).append(n)
    except Exception:  # noqa: BLE001 - an expression c2py or arithmetic refuses
        return labels
    for i in range(nforms):
        numbers = found.get(i, [])
        if numbers:
            shown = ", ".join(str(n) for n in sorted(numbers[:2]))
            labels[i] += f" (n = {shown}{'…' if len(numbers) > 2 else ''})"
    return labels

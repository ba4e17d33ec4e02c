"""XLIFF 1.2 for translators' CAT tools, through translate-toolkit.

One ``<file>`` per gettext domain: ``original`` is the domain (article slug or
``ui``), ``source-language``/``target-language`` the languages (BCP 47,
``pt-BR``), ``product-name`` the project's identity.  One ``<trans-unit>`` per
catalog entry, ``id`` a stable hash of msgctxt and msgid (:func:`unit_id`), the
msgctxt in an ``x-po-msgctxt`` context as translate-toolkit's ``po2xliff``
writes it (in an unnamed context group: the strict schema wants names unique
in a file, and validated documents are what CAT tools and Weblate accept).
A machine draft is a ``<target state="needs-review-translation">`` with
``approved="no"``; a reviewed translation ``state="translated"`` with
``approved="yes"``.

Inline tags are XLIFF inline elements, so that a CAT tool shows them as
protected codes: a pair ``<strong>``…``</strong>`` is ``<g id="strong"
ctype="bold">``…``</g>``, a void ``<br/>`` is ``<x id="br" ctype="lb"/>``, a
lone start or end tag (its partner outside the unit) is ``<bx id="a1"/>`` or
``<ex id="a1"/>``.  The id is the compact tag name, ``-2``, ``-3``… added when
the same name comes back in the unit (``code``, ``code-2``); ``ctype`` is
``bold`` (b, strong), ``italic`` (i, em), ``underlined`` (u), ``link`` (a),
``lb`` (br), ``image`` (img), else ``x-<tag>``.  Text between them is plain
text: the msgid's ``&lt;``/``&amp;`` escapes are undone on export and redone
on import (:func:`locpipe.units.escape_text`).  On import, ``<g>``, ``<x/>``,
``<bx/>``, ``<ex/>``, ``<ph>``, ``<bpt>``/``<ept>`` and ``<it>`` of a
``<target>`` are looked up by id among the unit's ``<source>`` codes;
``<mrk>`` is unwrapped.  An unknown id or element, or an entity reference
(``&de;``: entities are never expanded, so no XXE and no "billion laughs",
and their text would vanish) makes the unit's :attr:`XUnit.problem`;
missing, extra or badly nested tags are left to the ``tags`` check, which
compares the compact forms.  A unit a tool wrote back
without ``xml:space="preserve"`` has its ASCII whitespace runs collapsed (as
XLIFF allows), no-break spaces kept.

Writing goes through translate-toolkit's placeables (``rich_source`` and
``rich_target``).  Reading walks the ``<source>``/``<target>`` elements with
lxml: translate-toolkit's reader (``placeables.lisa.xml_to_strelem``) raises
``KeyError`` on a ``<g>`` without an id, has no ``<ph>``/``<bpt>``/``<ept>``/
``<it>`` support, and normalizes whitespace by editing the document in place.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from translate.storage import xliff as ttk_xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as inline

from locpipe.errors import LocpipeError
from locpipe.units import TAG_RE, escape_text, unescape_text

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: States (XLIFF 1.2 ``state`` of ``<target>``) that mean a translator finished the unit.
DONE_STATES = {"translated", "signed-off", "final"}

#: ``ctype`` of ``<g>``/``<bx>`` (XLIFF 1.2 "inline delimiters") by tag name.
DELIMITER_CTYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underlined",
    "a": "link",
}
#: ``ctype`` of ``<x>`` (XLIFF 1.2 "inline placeholders") by tag name.
PLACEHOLDER_CTYPES = {"br": "lb", "img": "image"}

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ID_RE = re.compile(r"([a-z]+[0-9]*)(?:-[0-9]+)?")
_XML_WHITESPACE_RE = re.compile(r"[ \t\n\r]+")


class _Unit12(ttk_xliff.xliffunit):
    namespace = NS


class _File12(ttk_xliff.xlifffile):
    UnitClass = _Unit12
    namespace = NS
    XMLskeleton = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{NS}">
<file original="NoName" source-language="en" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


def unit_id(msgctxt: str | None, msgid: str) -> str:
    """A stable XML-safe id for an entry: the same entry has the same id in every export."""
    key = f"{msgctxt or ''}\x04{msgid}".encode()
    return "u" + hashlib.sha1(key).hexdigest()[:16]


def to_bcp47(language: str) -> str:
    return language.replace("_", "-")


# -- inline tags: compact form <-> XLIFF inline elements -------------------------------------


class InlineError(ValueError):
    """XLIFF inline content that has no compact form: an unknown id or element."""


def _ctype(name: str, table: dict[str, str]) -> str:
    base = name.rstrip("0123456789")
    return table.get(base, f"x-{base}")


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, value)``: ``text`` (unescaped), ``open``, ``close`` or ``void`` (tag names)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    for match in TAG_RE.finditer(text):
        if match.start() > pos:
            tokens.append(("text", unescape_text(text[pos : match.start()])))
        tag = match.group()
        if tag.endswith("/>"):
            tokens.append(("void", tag[1:-2]))
        elif tag.startswith("</"):
            tokens.append(("close", tag[2:-1]))
        else:
            tokens.append(("open", tag[1:-1]))
        pos = match.end()
    if pos < len(text):
        tokens.append(("text", unescape_text(text[pos:])))
    return tokens


def to_inline(text: str, hidden: dict[str, str] | None = None) -> StringElem:
    """A msgid or msgstr (compact form) as translate-toolkit placeables.

    A start tag closed by the matching end tag, in stack order, is a ``<g>``;
    any other start or end tag is a lone ``<bx/>`` or ``<ex/>``, so that even
    badly nested tags come back as they were.  ``hidden`` maps a void tag
    (``<span/>``) to the text the element it stands for shows
    (``translate="no"``): it becomes the ``<x/>``'s ``equiv-text``, which CAT
    tools show in place of the code.
    """
    tokens = _tokens(text)
    partner: dict[int, int] = {}
    stack: list[int] = []
    for index, (kind, value) in enumerate(tokens):
        if kind == "open":
            stack.append(index)
        elif kind == "close" and stack and tokens[stack[-1]][1] == value:
            partner[stack.pop()] = index
    seen: Counter[str] = Counter()

    def new_id(name: str) -> str:
        seen[name] += 1
        return name if seen[name] == 1 else f"{name}-{seen[name]}"

    def build(start: int, end: int) -> list:
        out: list = []
        index = start
        while index < end:
            kind, value = tokens[index]
            if kind == "text":
                out.append(value)
            elif kind == "void":
                attributes = {"ctype": _ctype(value, PLACEHOLDER_CTYPES)}
                shown = (hidden or {}).get(f"<{value}/>")
                if shown:
                    attributes["equiv-text"] = shown
                out.append(inline.X(id=new_id(value), xml_attrib=attributes))
            elif kind == "open" and index in partner:
                ident = new_id(value)
                sub = build(index + 1, partner[index])
                ctype = _ctype(value, DELIMITER_CTYPES)
                out.append(inline.G(id=ident, sub=sub, xml_attrib={"ctype": ctype}))
                index = partner[index]
            elif kind == "open":
                ctype = _ctype(value, DELIMITER_CTYPES)
                out.append(inline.Bx(id=new_id(value), xml_attrib={"ctype": ctype}))
            else:
                out.append(inline.Ex(id=new_id(value)))
            index += 1
        return out

    return StringElem(build(0, len(tokens)))


def _local(element: etree._Element) -> tuple[str, str]:
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname


def _xml_space(element: etree._Element) -> str:
    """The ``xml:space`` in force on ``element``: its own, or its nearest ancestor's."""
    node: etree._Element | None = element
    while node is not None:
        value = node.get(_XML_SPACE)
        if value is not None:
            return value
        node = node.getparent()
    return "default"


def from_inline(
    element: etree._Element | None,
    codes: dict[str, tuple[str, str]],
    *,
    source: bool,
) -> str:
    """The compact form of a ``<source>`` or ``<target>`` element.

    In a ``<source>`` each tag name comes from the id (``code-2`` is
    ``code``) and ``codes`` is filled: id → (element name, tag name).  In a
    ``<target>`` the ids are looked up in the source's ``codes``.  Raises
    :class:`InlineError` for an unknown id or element.
    """
    if element is None:
        return ""
    ns = _local(element)[0]
    by_rid: dict[str, str] = {}
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            parts.append(escape_text("".join(run)))
            run.clear()

    def tag(text: str) -> None:
        flush()
        parts.append(text)

    def name_of(node: etree._Element, what: str) -> tuple[str, str]:
        """(element name in the source, tag name) of an inline element."""
        ident = node.get("id") or ""
        if source:
            match = _ID_RE.fullmatch(ident)
            if match is None:
                raise InlineError(f"inline tag id {ident!r} is not one locpipe wrote")
            codes[ident] = (what, match.group(1))
            return codes[ident]
        if ident in codes:
            return codes[ident]
        if what == "ept" and node.get("rid") in by_rid:  # paired with its <bpt> by rid
            return "bpt", by_rid[node.get("rid")]
        raise InlineError(f"unknown inline tag id {ident!r} in <{what}> (not in the source)")

    def walk(node: etree._Element) -> None:
        if node.text:
            run.append(node.text)
        for child in node:
            if isinstance(child, etree._Entity):  # its text would silently vanish
                raise InlineError(
                    f"entity reference {child.text} (not expanded: "
                    "write the character itself or a character reference)"
                )
            if not isinstance(child.tag, str):  # a comment or processing instruction
                if child.tail:
                    run.append(child.tail)
                continue
            child_ns, what = _local(child)
            if child_ns != ns:
                raise InlineError(f"unexpected element <{child.tag}>")
            if what == "mrk":  # an annotation of its text: keep the text
                walk(child)
            elif what == "g":
                _, name = name_of(child, what)
                tag(f"<{name}>")
                walk(child)
                tag(f"</{name}>")
            elif what in ("x", "ph"):
                source_kind, name = name_of(child, what)
                if source_kind == "bx":
                    tag(f"<{name}>")
                elif source_kind == "ex":
                    tag(f"</{name}>")
                else:
                    tag(f"<{name}/>")
            elif what in ("bx", "bpt"):
                _, name = name_of(child, what)
                if child.get("rid"):
                    by_rid[child.get("rid")] = name
                tag(f"<{name}>")
            elif what in ("ex", "ept"):
                _, name = name_of(child, what)
                tag(f"</{name}>")
            elif what == "it":
                _, name = name_of(child, what)
                tag(f"</{name}>" if child.get("pos") == "close" else f"<{name}>")
            else:
                raise InlineError(f"unexpected element <{what}>")
            if child.tail:
                run.append(child.tail)

    walk(element)
    flush()
    text = "".join(parts)
    if _xml_space(element) != "preserve":
        text = _XML_WHITESPACE_RE.sub(" ", text).strip(" ")
    return text


def _plain(element: etree._Element | None) -> str:
    """The text of an element that has no compact form, for a message."""
    return "" if element is None else escape_text("".join(element.itertext()))


@dataclass
class XUnit:
    """One trans-unit, as written or as read back."""

    msgid: str
    msgctxt: str | None = None
    target: str = ""
    state: str = "untranslated"  # untranslated | fuzzy | translated
    notes: list[tuple[str, str]] = field(default_factory=list)  # (from, text)
    locations: list[str] = field(default_factory=list)
    id: str = ""
    line: int | None = None  # when read: line of the <trans-unit> element
    reviewed: bool = False  # when read: the translator marked it done
    problem: str = ""  # when read: why the inline tags could not be read back
    hidden: dict[str, str] = field(default_factory=dict)  # <span/> → what it shows
    #: A plural entry: its ``msgid_plural``, and its forms (``msgstr[n]``) in ``targets``.
    msgid_plural: str | None = None
    targets: list[str] = field(default_factory=list)


@dataclass
class XFile:
    """One ``<file>``: a domain's units."""

    domain: str
    source_language: str
    target_language: str
    product: str
    units: list[XUnit] = field(default_factory=list)


def dump_xliff(files: list[XFile]) -> bytes:
    """The XLIFF 1.2 document for ``files``."""
    store = _File12()
    for xfile in files:
        node = store.getfilenode(xfile.domain)
        if node is None:
            store.switchfile(xfile.domain, createifmissing=True)
            node = store.getfilenode(xfile.domain)
        node.set("source-language", to_bcp47(xfile.source_language))
        node.set("target-language", to_bcp47(xfile.target_language))
        node.set("product-name", xfile.product)
        for item in xfile.units:
            ident = item.id or unit_id(item.msgctxt, item.msgid)
            if item.msgid_plural is not None:
                _plural_group(store, xfile.domain, item, ident)
                continue
            unit = _trans_unit(store, xfile.domain, item, ident, item.msgid, item.target)
            for origin, text in item.notes:
                unit.addnote(text, origin=origin)
            _contexts(unit.xmlelement, item)
    if not files:
        raise LocpipeError("nothing to write")
    return bytes(store)


def _trans_unit(store: _File12, domain: str, item: XUnit, ident: str, source: str, target: str):
    """A ``<trans-unit>`` for ``source`` (and ``target``, in ``item``'s state)."""
    unit = store.addsourceunit(source, domain, createifmissing=True)
    unit.setid(ident)
    unit.rich_source = [to_inline(source, item.hidden)]
    if target:
        unit.rich_target = [to_inline(target, item.hidden)]
        if item.state == "translated":
            unit.set_state_n(unit.S_TRANSLATED)
            unit.markapproved(True)
        else:
            unit.set_state_n(unit.S_NEEDS_REVIEW)
            unit.xmlelement.set("approved", "no")
    return unit


def _contexts(element: etree._Element, item: XUnit) -> None:
    if item.msgctxt is not None:
        _context_group(element, "information", "x-po-msgctxt", item.msgctxt)
    for location in item.locations:
        _context_group(element, "location", "sourcefile", location)


def plural_sources(msgid: str, msgid_plural: str, nforms: int) -> list[str]:
    """The source of each form: the msgid for form 0, the msgid_plural for the others
    (a language of one form has only the msgid_plural, as gettext's ``msgfmt`` reads it)."""
    if nforms == 1:
        return [msgid_plural]
    return [msgid] + [msgid_plural] * (nforms - 1)


def _plural_group(store: _File12, domain: str, item: XUnit, ident: str) -> None:
    """A plural entry as translate-toolkit's ``po2xliff`` writes it: a ``<group
    restype="x-gettext-plurals">`` (the entry's id, its contexts and notes) holding one
    trans-unit per form, ids ``ID[0]``, ``ID[1]``…  The contexts and notes come before
    the trans-units, as the strict schema wants them."""
    targets = item.targets or [""]
    sources = plural_sources(item.msgid, item.msgid_plural or "", len(targets))
    group = etree.Element(f"{{{NS}}}group", id=ident, restype="x-gettext-plurals")
    _contexts(group, item)
    for origin, text in item.notes:
        note = etree.SubElement(group, f"{{{NS}}}note", {"from": origin})
        note.text = text
    units = [
        _trans_unit(store, domain, item, f"{ident}[{i}]", source, target)
        for i, (source, target) in enumerate(zip(sources, targets, strict=True))
    ]
    first = units[0].xmlelement
    first.addprevious(group)
    for unit in units:
        group.append(unit.xmlelement)


def _context_group(unit: etree._Element, purpose: str, kind: str, value: str) -> None:
    """A ``<context-group>`` without a name: the strict schema wants a group's name
    unique in its ``<file>`` (translate-toolkit names every one ``po-entry`` or
    ``po-reference``), and the name is optional."""
    group = etree.SubElement(unit, f"{{{NS}}}context-group", purpose=purpose)
    context = etree.SubElement(group, f"{{{NS}}}context", {"context-type": kind})
    context.text = value


def _reviewed(element: etree._Element, target: etree._Element | None, text: str) -> bool:
    """Done by the translator: approved, or a final state, or a tool that tracks neither."""
    if not text or target is None:
        return False
    approved = element.get("approved")
    state = target.get("state")
    if approved == "yes" or state in DONE_STATES:
        return True
    return approved is None and state is None


def _context(element: etree._Element, ns: str) -> str | None:
    """The msgctxt of a unit: its ``x-po-msgctxt`` context, in a ``po-entry`` group as
    ``po2xliff`` writes it or in the unnamed group locpipe writes (see :func:`_context_group`)."""
    ctxt = None
    for group in element.iter(f"{{{ns}}}context-group"):
        if group.get("name") in (None, "po-entry"):
            for context in group.iter(f"{{{ns}}}context"):
                if context.get("context-type") == "x-po-msgctxt":
                    ctxt = "".join(context.itertext())
    return ctxt


def _read_unit(element: etree._Element, ns: str) -> XUnit:
    source_node = element.find(f"{{{ns}}}source")
    target_node = element.find(f"{{{ns}}}target")
    codes: dict[str, tuple[str, str]] = {}
    problem = ""
    try:
        msgid = from_inline(source_node, codes, source=True)
    except InlineError as exc:
        msgid, problem = _plain(source_node), f"<source>: {exc}"
    try:
        target = _plain(target_node) if problem else from_inline(target_node, codes, source=False)
    except InlineError as exc:
        target, problem = _plain(target_node), f"<target>: {exc}"
    return XUnit(
        msgid=msgid,
        msgctxt=_context(element, ns),
        target=target,
        id=element.get("id") or "",
        line=element.sourceline,
        reviewed=_reviewed(element, target_node, target),
        problem=problem,
    )


def _is_plural(element: etree._Element | None) -> bool:
    """A ``<group restype="x-gettext-plurals">``: one plural entry, a trans-unit per form."""
    return (
        element is not None
        and etree.QName(element).localname == "group"
        and element.get("restype") == "x-gettext-plurals"
    )


def _is_entry(element: etree._Element, ns: str) -> bool:
    """A trans-unit outside a plural group, or a plural group: one catalog entry."""
    if element.tag == f"{{{ns}}}trans-unit":
        return not _is_plural(element.getparent())
    return _is_plural(element)


_FORM_ID_RE = re.compile(r"(.*)\[(\d+)\]")


def _read_plural(group: etree._Element, ns: str) -> XUnit:
    """A plural group read back: the msgid and msgid_plural from the sources of forms 0
    and 1, the forms in :attr:`XUnit.targets`, reviewed when every form is.  Forms whose
    ids say another order (``ID[1]`` first) are a problem, not reordered silently."""
    ident = group.get("id") or ""
    forms = [_read_unit(u, ns) for u in group.iterchildren(f"{{{ns}}}trans-unit")]
    msgctxt = None
    for child in group.iterchildren(f"{{{ns}}}context-group"):
        for context in child.iterchildren(f"{{{ns}}}context"):
            if context.get("context-type") == "x-po-msgctxt":
                msgctxt = "".join(context.itertext())
    problems = [f"form {i}: {u.problem}" for i, u in enumerate(forms) if u.problem]
    for i, unit in enumerate(forms):
        match = _FORM_ID_RE.fullmatch(unit.id)
        if match and (match.group(1) != ident or int(match.group(2)) != i):
            problems.append(f"trans-unit {unit.id!r} is form {i} of plural group {ident!r}")
            break
    sources = [u.msgid for u in forms]
    return XUnit(
        msgid=sources[0] if sources else "",
        msgctxt=msgctxt if msgctxt is not None else (forms[0].msgctxt if forms else None),
        target=forms[0].target if forms else "",
        id=ident,
        line=group.sourceline,
        reviewed=bool(forms) and all(u.reviewed for u in forms),
        problem="; ".join(problems),
        msgid_plural=sources[1] if len(sources) > 1 else (sources[0] if sources else ""),
        targets=[u.target for u in forms],
    )


_XLIFF_NS = "urn:oasis:names:tc:xliff:document:"


def _xliff_namespace(root: etree._Element, path: Path) -> str:
    """The namespace of an XLIFF 1.x root element; anything else is an error."""
    while root.getparent() is not None:
        root = root.getparent()
    ns, name = _local(root)
    version = root.get("version") or ""
    if name != "xliff":
        raise LocpipeError(f"not an XLIFF 1.x file: the root element is <{name}>", path)
    if version.startswith("2") or ":2." in ns:
        raise LocpipeError(f"not an XLIFF 1.x file: XLIFF {version or '2'}", path)
    if ns and not ns.startswith(_XLIFF_NS):
        raise LocpipeError(f"not an XLIFF 1.x file: namespace {ns}", path)
    return ns


def load_xliff(path: Path) -> list[XFile]:
    """Read an XLIFF 1.x file back; a file that does not parse is an error naming its line.

    Streamed (``iterparse``): each ``<trans-unit>`` is read, then its element
    is freed, so memory holds the units' text, not the document's tree (a
    64 MB file of 238,590 units: 2 s; through translate-toolkit's reader it
    was 17 s and 800 MB).  Entities are never expanded and nothing is
    fetched (no XXE); libxml2 refuses entity amplification (billion laughs).
    """
    files: dict[etree._Element, XFile] = {}  # the keys keep lxml's proxies alive
    ns = None
    try:
        events = etree.iterparse(
            str(path),
            events=("start", "end"),
            tag=("{*}xliff", "{*}file", "{*}group", "{*}trans-unit"),
            resolve_entities=False,
            no_network=True,
        )
        for event, element in events:
            if ns is None:
                ns = _xliff_namespace(element, path)
            elif event == "start":
                if element.tag == f"{{{ns}}}file" and element.getparent().getparent() is None:
                    files[element] = XFile(
                        domain=element.get("original") or "",
                        source_language=element.get("source-language") or "",
                        target_language=element.get("target-language") or "",
                        product=element.get("product-name") or "",
                    )
            elif _is_entry(element, ns):
                _take_unit(element, ns, files)
    except etree.XMLSyntaxError as exc:
        raise LocpipeError(f"not valid XML: {exc.msg}", path, exc.lineno) from None
    except OSError as exc:
        raise LocpipeError(f"cannot read: {exc.strerror or exc}", path) from None
    if ns is None:
        raise LocpipeError("not an XLIFF 1.x file: no <xliff> element", path)
    return list(files.values())


def _take_unit(element: etree._Element, ns: str, files: dict[etree._Element, XFile]) -> None:
    """Read a ``<trans-unit>`` into its file's units, then free it and the units before it."""
    node = next(element.iterancestors(f"{{{ns}}}file"), None)
    if node is None or node not in files:
        return
    if next(element.iterancestors(f"{{{ns}}}trans-unit"), None) is None:
        read = _read_plural if _is_plural(element) else _read_unit
        files[node].units.append(read(element, ns))
    parent = element.getparent()
    if parent is not None and parent.tag in (f"{{{ns}}}body", f"{{{ns}}}group"):
        element.clear(keep_tail=True)
        while element.getprevious() is not None:
            del parent[0]

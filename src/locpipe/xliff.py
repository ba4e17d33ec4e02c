"""XLIFF 1.2 for translators' CAT tools, through translate-toolkit.

One ``<file>`` per gettext domain: ``original`` is the domain (article slug or
``ui``), ``source-language``/``target-language`` the languages (BCP 47,
``pt-BR``), ``product-name`` the project's identity.  One ``<trans-unit>`` per
catalog entry, ``id`` a stable hash of msgctxt and msgid (:func:`unit_id`), the
msgctxt in a ``po-entry`` context group as translate-toolkit's ``po2xliff``
writes it.  A machine draft is a ``<target state="needs-review-translation">``
with ``approved="no"``; a reviewed translation ``state="translated"`` with
``approved="yes"``.

Inline tags stay as the compact text form of the msgid (``<strong>``…), which
XML escapes as ``&lt;strong&gt;``: CAT tools show them as text, they are not
mapped to XLIFF's ``<g>``/``<x/>`` elements.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from translate.storage import xliff as ttk_xliff

from locpipe.errors import LocpipeError

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: States (XLIFF 1.2 ``state`` of ``<target>``) that mean a translator finished the unit.
DONE_STATES = {"translated", "signed-off", "final"}


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
            unit = store.addsourceunit(item.msgid, xfile.domain, createifmissing=True)
            unit.setid(item.id or unit_id(item.msgctxt, item.msgid))
            if item.target:
                unit.target = item.target
                if item.state == "translated":
                    unit.set_state_n(unit.S_TRANSLATED)
                    unit.markapproved(True)
                else:
                    unit.set_state_n(unit.S_NEEDS_REVIEW)
                    unit.xmlelement.set("approved", "no")
            for origin, text in item.notes:
                unit.addnote(text, origin=origin)
            if item.msgctxt is not None:
                unit.createcontextgroup(
                    "po-entry", [("x-po-msgctxt", item.msgctxt)], purpose="information"
                )
            for location in item.locations:
                unit.createcontextgroup(
                    "po-reference", [("sourcefile", location)], purpose="location"
                )
    if not files:
        raise LocpipeError("nothing to write")
    return bytes(store)


def _reviewed(element: etree._Element, target: etree._Element | None, text: str) -> bool:
    """Done by the translator: approved, or a final state, or a tool that tracks neither."""
    if not text or target is None:
        return False
    approved = element.get("approved")
    state = target.get("state")
    if approved == "yes" or state in DONE_STATES:
        return True
    return approved is None and state is None


def load_xliff(path: Path) -> list[XFile]:
    """Read an XLIFF 1.x file back; a file that does not parse is an error naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LocpipeError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        store = ttk_xliff.xlifffile.parsestring(data)
    except etree.XMLSyntaxError as exc:
        raise LocpipeError(f"not valid XML: {exc.msg}", path, exc.lineno) from None
    except ValueError as exc:
        raise LocpipeError(f"not an XLIFF 1.x file: {exc}", path) from None
    root = store.document.getroot()
    ns = store.namespace
    files: dict[etree._Element, XFile] = {}  # the keys keep lxml's proxies alive
    for node in root.iterchildren(f"{{{ns}}}file"):
        files[node] = XFile(
            domain=node.get("original") or "",
            source_language=node.get("source-language") or "",
            target_language=node.get("target-language") or "",
            product=node.get("product-name") or "",
        )
    for unit in store.units:
        element = unit.xmlelement
        node = next(element.iterancestors(f"{{{ns}}}file"), None)
        if node is None or node not in files:
            continue
        ctxt = None
        for group in unit.getcontextgroups("po-entry"):
            for kind, value in group:
                if kind == "x-po-msgctxt":
                    ctxt = value
        target_node = element.find(f"{{{ns}}}target")
        text = str(unit.target or "")
        item = XUnit(
            msgid=str(unit.source or ""),
            msgctxt=ctxt,
            target=text,
            id=element.get("id") or "",
            line=element.sourceline,
            reviewed=_reviewed(element, target_node, text),
        )
        files[node].units.append(item)
    return list(files.values())

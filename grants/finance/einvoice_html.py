"""The readable invoice: a stored FatturaPA file transformed with the official stylesheet of the Agenzia delle
Entrate (``schemas/Foglio_di_stile_fatturaordinaria_v1.2.2.xsl``, see the README there), pure.

The result is an HTML page made from data the supplier wrote. It is shown only inside a sandboxed iframe
(no scripts, no same origin) served with its own strict Content-Security-Policy, and on top of that it is
cleaned here: no script, frame, object, form, base, link or meta refresh element, no ``on*`` attribute and no
``javascript:``/``data:`` link survives. The stylesheet escapes the invoice's text (``xsl:value-of``), the
cleaning covers what a changed stylesheet or a crafted file could still bring.
"""

import re
from functools import cache
from pathlib import Path

from lxml import etree, html

STYLESHEET_PATH = Path(__file__).parent / "schemas" / "Foglio_di_stile_fatturaordinaria_v1.2.2.xsl"
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROPPED = (
    "script",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "base",
    "link",
)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster")
_UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class RenderError(ValueError):
    """The stored file cannot be laid out (not well-formed, or the transformation failed)."""


@cache
def stylesheet() -> etree.XSLT:
    # No document(), no xsl:include of anything outside: the access control forbids reading and writing files
    # and the network while transforming.
    access = etree.XSLTAccessControl.DENY_ALL
    return etree.XSLT(
        etree.parse(str(STYLESHEET_PATH), etree.XMLParser(**_PARSER_OPTIONS)), access_control=access
    )


def _clean(page: str) -> str:
    document = html.document_fromstring(page)
    for element in document.iter(*_DROPPED):
        element.drop_tree()
    for meta in document.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            meta.drop_tree()
    for element in document.iter(etree.Element):
        for name in list(element.attrib):
            lowered = name.lower()
            if lowered.startswith("on") or (
                lowered in _URL_ATTRIBUTES and _UNSAFE_URL.match(element.get(name))
            ):
                del element.attrib[name]
    return html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def render(xml: str | bytes) -> str:
    """The invoice as an HTML page (the official stylesheet's layout), cleaned of anything active."""
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8", errors="replace")
    # The stored text is already decoded: its declaration (which may name another encoding) must go.
    try:
        document = etree.fromstring(_DECLARATION.sub("", xml, count=1), etree.XMLParser(**_PARSER_OPTIONS))
        return _clean(str(stylesheet()(document)))
    except (etree.XMLSyntaxError, etree.XSLTApplyError, etree.ParserError) as error:
        raise RenderError(str(error)) from error

"""Hardened XML loading: diagrams are uploaded by people, so every byte is treated as hostile."""

from __future__ import annotations

from lxml import etree

from .errors import DiagramRejected, Problem

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


def _hardened_parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, no huge trees: closes XXE, billion laughs
    # and quadratic blow-up. A DOCTYPE is still rejected outright below, because nothing
    # legitimate in BPMN or DMN needs one.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(content: bytes | str, *, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse one uploaded XML document safely, or raise DiagramRejected saying why."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > max_bytes:
        raise DiagramRejected(
            [Problem(f"file is {len(data)} bytes; the limit is {max_bytes} bytes", file=name)]
        )
    if not data.strip():
        raise DiagramRejected([Problem("file is empty", file=name)])
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise DiagramRejected([Problem("DOCTYPE and entity declarations are not allowed", file=name)])
    try:
        root = etree.fromstring(data, parser=_hardened_parser())
    except etree.XMLSyntaxError as exc:
        # The parser's own message names the line and column; it never echoes external content
        # because nothing external is ever loaded.
        raise DiagramRejected([Problem(f"not well-formed XML: {exc.msg}", file=name)]) from None
    docinfo = root.getroottree().docinfo
    # lxml-stubs omit DocInfo.doctype; it is the DOCTYPE line, empty when there is none.
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise DiagramRejected([Problem("DOCTYPE and entity declarations are not allowed", file=name)])
    return root

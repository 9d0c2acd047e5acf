"""XML text with a default namespace, without touching ElementTree's global default prefix.

``ET.register_namespace("", uri)`` changes how *every* later serialization in the process
writes that namespace, and mixes badly with unqualified elements elsewhere. Here the default
namespace gets a private placeholder prefix that is rewritten to ``xmlns=`` afterwards.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

PLACEHOLDER = "s4hdefaultns"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def to_text(root: ET.Element, default_ns: str, prefixes: dict[str, str]) -> str:
    """``root`` serialized with ``default_ns`` unprefixed and ``prefixes`` (prefix -> uri)."""
    for prefix, uri in prefixes.items():
        ET.register_namespace(prefix, uri)
    ET.register_namespace(PLACEHOLDER, default_ns)
    text = ET.tostring(root, encoding="unicode")
    text = text.replace(f"<{PLACEHOLDER}:", "<").replace(f"</{PLACEHOLDER}:", "</")
    return text.replace(f"xmlns:{PLACEHOLDER}=", "xmlns=")

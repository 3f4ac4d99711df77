"""Text from the network shown literally wherever Qt would guess at rich text.

Qt renders a tooltip as HTML when it merely looks like HTML (`Qt::mightBeRichText`), so a company
name such as ``<b>Acme</b>`` or ``AT&T <Class A>`` from a provider would be rendered, or mangled,
instead of shown. Every tooltip that carries a name, a path or a server message goes through
`plain_tooltip`: escaped, and marked as rich text with ``<qt>`` so the escaping is honoured.
"""

from __future__ import annotations

import html

__all__ = ["plain_tooltip"]


def plain_tooltip(text: str) -> str:
    """Tooltip markup that shows `text` exactly, line breaks included."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"

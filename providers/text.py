"""Text from outside (a member's name, a group's, a provider's error words) made safe to show.

Anyone can choose a WhatsApp name or sign up to a list, so such text may carry terminal
escape sequences (that clear the screen, set the window title, write the clipboard),
carriage returns and line breaks that rewrite or split a line, or bidi and invisible format
characters that reorder or hide the words around them. `shown` is the one place that makes
such text harmless, wherever it is displayed or written to a file a person opens; the journal
keeps it as it came, as evidence. JSON keeps it exact, escaped (`json_text`).
"""

from __future__ import annotations

import json
import re

#: C0 and C1 controls and DEL; every format character (category Cf) but the zero-width
#: joiner and non-joiner, which emoji and several scripts need; lone surrogates; the line
#: and paragraph separators; and the Hangul fillers, which show as a blank name.
HIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    r"\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ud800-\udfff"
    r"\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
#: what stands for a hidden character that has no picture of its own
REPLACEMENT = "\ufffd"


def _picture(found: re.Match[str]) -> str:
    """C0 controls and DEL as Unicode's pictures of them (␛, ␇, ␊, ␡), so `\\x1b[2J` reads
    `␛[2J`; anything else as �."""
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else REPLACEMENT


def shown(text: str, limit: int = 0) -> str:
    """`text` with every control, bidi and invisible format character replaced by a visible
    one, never interpreted; cut to `limit` characters with `…` when a limit is given."""
    text = HIDDEN.sub(_picture, text)
    if limit and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _escaped(found: re.Match[str]) -> str:
    """A `\\u` escape (two for a character beyond the BMP). A raw C0 control in
    `json.dumps`'s output is its own line break, since it escapes those in strings itself."""
    code = ord(found.group())
    if code < 0x20:
        return found.group()
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def many(count: int, noun: str) -> str:
    """`1 job`, `2 jobs`: a count and its noun, the count with thousands separators."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def json_text(document: object, indent: int | None = 2) -> str:
    """A JSON document whose strings stay exact and readable (accents, emoji and glyphs as
    they are), with what `shown` would replace written as `\\u` escapes instead: JSON itself
    escapes only C0 controls, and a raw C1 control or bidi override would reach a terminal."""
    return HIDDEN.sub(_escaped, json.dumps(document, indent=indent, ensure_ascii=False))

"""One way to show a string that came from a person or a file (instrument texts, result-file
labels, file names, provider codes, error details) as plain text, wherever it is shown:

- ``clean``: drops invisible characters that change how text reads (bidi overrides and
  isolates, zero-width characters, other Unicode format and control characters);
- ``markdown``: for Streamlit's Markdown (pages, labels, captions, messages);
- ``plotly``: for Plotly's text (chart titles, axis categories, legends, hover labels), which
  reads a subset of HTML (``<a href>``, ``<b>``, ``<br>``, ...) and entities;
- ``html`` (the HTML report) escapes like ``plotly`` plus quotes, for attributes.

Hand-written because no library does this for Streamlit's Markdown dialect (GitHub-flavoured
Markdown plus ``:material/...:`` icons, emoji shortcodes, ``:color[...]`` and ``$`` for LaTeX)
and Plotly's pseudo-HTML; ``html.escape`` from the standard library does the HTML part.
"""

from __future__ import annotations

import html as _html
import re
import sys
import unicodedata


def _invisible_pattern() -> re.Pattern:
    """Every code point of Unicode category Cc (controls, but newline and tab), Cf (format:
    bidi marks, overrides and isolates, zero-width space/joiners, word joiner, BOM, tags) and
    Cs (lone surrogates), as one character class (found once, at import: ~30 ms)."""
    ranges, start, prev = [], None, None
    for cp in (*range(0x30000), *range(0xE0000, 0xE1000)):
        hit = unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs") and cp not in (0x09, 0x0A)
        if hit and start is None:
            start = cp
        elif not hit and start is not None:
            ranges.append((start, prev))
            start = None
        prev = cp
    if start is not None:
        ranges.append((start, prev))
    parts = "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"[{parts}]")


_INVISIBLE = _invisible_pattern()
_AUTOLINK = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*:/|www\.|@)")
# every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and each
# can start something (emphasis, links, images, HTML, tables, headings, icons, colours, LaTeX)
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_SHORTCODE = re.compile(r":(?=\w)")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def clean(value: object) -> str:
    """``value`` as text without invisible characters that change how it reads (bidi overrides,
    zero-width characters, controls other than newline and tab)."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, without the regular expression
    return _INVISIBLE.sub("", text)


def markdown(value: object) -> str:
    """Text that Streamlit's Markdown can only show as it is: no links, images, HTML, formatting,
    icons or emoji. Punctuation is escaped. Autolinks, icons and emoji shortcodes are found in
    the text after escapes are undone, so a zero-width space (ours, after ``clean``) breaks
    a bare address after its first character and every ``:`` from the word after it."""
    text = clean(value)
    text = _AUTOLINK.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)
    text = _SHORTCODE.sub(":\u200b", text)
    text = _MD_PUNCT.sub(r"\\\1", text)
    return _LINE_BREAK.sub("  \n", text)  # a new line is a line break, never a new block


def plotly(value: object) -> str:
    """Text that Plotly shows as it is: its HTML-like tags and entities escaped, ``$`` too (a
    text between two ``$`` is typeset as LaTeX where MathJax is loaded), new lines as spaces."""
    text = _html.escape(clean(value).replace("\n", " ").replace("\t", " "), quote=False)
    return text.replace("$", "&#36;")


def html(value: object) -> str:
    """Text for the HTML report, in content or a quoted attribute."""
    return _html.escape(clean(value), quote=True)


def _self_check() -> None:  # pragma: no cover - run by hand: python -m scoring.plaintext
    for payload in sys.argv[1:]:
        print(repr(markdown(payload)), repr(plotly(payload)))


if __name__ == "__main__":  # pragma: no cover
    _self_check()

"""Anki field HTML and studyapp's plain text, both ways.

Anki stores every note field as an HTML fragment; studyapp's titles,
summaries and details are plain text. :func:`text_to_html` writes a text as a
field and :func:`html_to_text` reads any field back as text, so that
``html_to_text(text_to_html(text)) == normalise_text(text)``: a text comes
back as written up to the white space :func:`normalise_text` tidies.

Reading keeps what a person sees: tags are removed, ``<br>`` and block
elements (``<div>``, ``<p>``, list items, headings, …) become line breaks,
entities are unescaped, the contents of ``<script>`` and ``<style>`` are
dropped, and so are Anki's ``[sound:…]`` references (media are not imported).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements that start on a new line of their own when a browser lays them out.
_BLOCK_ELEMENTS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
)
# Elements whose text is never shown.
_HIDDEN_ELEMENTS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SOUND_REFERENCE = re.compile(r"\[sound:[^\]]*\]")
_RAW_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML fragment, with line breaks where a browser puts them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_ELEMENTS:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_ELEMENTS:
            self._start_new_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_ELEMENTS:
            self._start_new_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_ELEMENTS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_ELEMENTS:
            self._start_new_line()

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            # A line break in HTML source is only white space to a browser.
            self.parts.append(_RAW_LINE_BREAK.sub(" ", data))

    def _start_new_line(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def text(self) -> str:
        return "".join(self.parts)


def html_to_text(fragment: str) -> str:
    """The text a person sees in an Anki field, without markup, trimmed.

    ``"<div>Paris</div><div>France &amp; more</div>"`` -> ``"Paris\\nFrance & more"``.
    The result never contains ``<`` followed by markup of the input, nor more
    than one blank line in a row.
    """
    collector = _TextCollector()
    # Anki finds its media references in the field's source, before any entity is read:
    # a written "&#91;sound:x]" is text, a literal "[sound:x]" plays a file.
    collector.feed(_SOUND_REFERENCE.sub("", fragment))
    collector.close()
    return normalise_text(collector.text())


def normalise_text(text: str) -> str:
    """``text`` with tidy white space: ``"\\n"`` line breaks, no-break spaces as spaces,
    no spaces at line ends, at most one blank line in a row, trimmed.
    """
    text = _RAW_LINE_BREAK.sub("\n", text).replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def text_to_html(text: str) -> str:
    """A plain text as an Anki field: special characters escaped, line breaks as ``<br>``,
    and a written ``[sound:`` escaped so that Anki does not take it for a media file."""
    normalised = _RAW_LINE_BREAK.sub("\n", text)
    escaped = html.escape(normalised, quote=False).replace("[sound:", "&#91;sound:")
    return escaped.replace("\n", "<br>")

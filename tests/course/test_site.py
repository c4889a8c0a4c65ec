"""The course site builds (MkDocs, strict: a broken link or anchor fails the build) and works in
a real browser: every page loads, every image renders, every internal link and anchor leads
somewhere, nothing is fetched from outside. A screenshot of each lesson page is kept."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from autograder.course import module_ids

from tests.course.webserver import serve_folder

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("course_site", ROOT / "scripts" / "course_site.py")
course_site = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = course_site
spec.loader.exec_module(course_site)

LESSONS = list(module_ids())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return course_site.build(tmp_path_factory.mktemp("course-site"), quiet=True)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def _ids(page: Path) -> set[str]:
    parser = _Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def test_the_site_has_every_lesson_card_and_figure(site):
    for lesson in LESSONS:
        html = (site / "course" / f"{lesson}.html").read_text(encoding="utf-8")
        assert html.count("concept-card") >= 3, lesson
        assert "figures/" in html
    assert (site / "index.html").exists()
    assert (site / "course" / "playground" / "index.html").exists()
    assert (site / "course" / "playground" / "data.js").stat().st_size > 1_000_000  # GPT-2's files
    assert sorted(p.name for p in (site / "course" / "notebooks").glob("*.ipynb")) == \
        [f"{m}.ipynb" for m in LESSONS]


def test_lesson_links_to_exercises_land_on_their_function(site):
    html = (site / "course" / "m1_tokenization.html").read_text(encoding="utf-8")
    assert 'href="../exercises/m1_tokenization/bpe.html#merge_pair"' in html
    assert "merge_pair" in _ids(site / "exercises" / "m1_tokenization" / "bpe.html")
    stub = (site / "exercises" / "m1_tokenization" / "bpe.html").read_text(encoding="utf-8")
    assert "NotImplementedError" in stub and "heapq" not in stub  # the stub, not the solution


def test_cards_become_titled_admonitions():
    text = "> [!TIP]\n> **Concept card: A story**\n>\n> Once upon a time.\n>\n> **Try it:** this.\n\nAfter.\n"
    assert course_site.cards_to_admonitions(text) == (
        '!!! tip concept-card "Concept card: A story"\n\n    Once upon a time.\n\n'
        "    **Try it:** this.\n\n\nAfter.\n")


def test_exercise_and_notebook_links_are_rewritten_for_the_site():
    text = ("[a](../exercises/m1_tokenization/bpe.py#merge_pair) [b](notebooks/m1_tokenization.py) "
            "[c](https://example.org/x.py) [d](#local)")
    assert course_site.rewrite_links(text) == (
        "[a](../exercises/m1_tokenization/bpe.md#merge_pair) [b](notebooks/m1_tokenization.ipynb) "
        "[c](https://example.org/x.py) [d](#local)")


def test_every_page_loads_renders_its_images_and_links_nowhere_broken(site, browser, artifacts):
    pages = sorted(p for p in site.rglob("*.html")
                   if not p.relative_to(site).as_posix().startswith(("assets/", "search/")))
    assert len(pages) >= 10
    problems: list[str] = []
    outside: list[str] = []
    with serve_folder(site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((base, "data:", "blob:", "about:")) else None)
        bad_responses: list[str] = []
        page.on("response", lambda r: bad_responses.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/api/tokenizers") else None)
        for path in pages:
            rel = path.relative_to(site).as_posix()
            response = page.goto(f"{base}/{rel}", wait_until="load")
            if response is None or response.status != 200:
                problems.append(f"{rel}: HTTP {response.status if response else 'no response'}")
                continue
            broken_images = page.evaluate(
                "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                ".map(i => i.getAttribute('src'))")
            problems += [f"{rel}: image does not render: {src}" for src in broken_images]
            for href in page.evaluate("() => Array.from(document.querySelectorAll('a[href]'))"
                                      ".map(a => a.href)"):
                url, anchor = urldefrag(href)
                if not url.startswith(base):
                    continue
                target = site / unquote(urlparse(url).path).lstrip("/")
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    problems.append(f"{rel}: broken link {href}")
                elif anchor and target.suffix == ".html" and unquote(anchor) not in _ids(target):
                    problems.append(f"{rel}: link to a missing anchor {href}")
            if re.fullmatch(r"course/m\d_\w+\.html", rel):
                page.screenshot(path=str(artifacts / f"site-{Path(rel).stem}.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)
    assert not bad_responses, "\n".join(bad_responses)
    assert not outside, f"the site fetched from outside: {sorted(set(outside))[:5]}"
    for lesson in LESSONS:
        assert (artifacts / f"site-{lesson}.png").stat().st_size > 10_000


def test_the_site_playground_tokenizes_gpt2_in_the_browser_from_the_file_system(site, browser, artifacts):
    """No server at all: the page opened from disk runs GPT-2's BPE and ByT5's bytes in JavaScript."""
    from autograder.worker_helpers.m3_tokenizer_zoo import tokenizer

    gpt2 = tokenizer("gpt2")
    page = browser.new_page()
    page.goto((site / "course" / "playground" / "index.html").as_uri())
    page.wait_for_selector('#mode[data-mode="browser"]')
    for text in ["How many r's are in strawberry?", "Grüße aus Köln! 你好 👩‍💻\n\tdef f(): pass",
                 "  12,345.67   spaces<|endoftext|>next"]:
        page.fill("#text", text)
        page.wait_for_function("t => document.querySelector('#results').dataset.text === t", arg=text)
        ids = page.eval_on_selector_all('[data-name="gpt2-browser"] .tok', "els => els.map(e => +e.dataset.id)")
        assert ids == gpt2.encode(text, add_special_tokens=False), text
        count = page.inner_text('[data-name="gpt2-browser"] .count')
        assert int(count) == len(ids)
        byt5 = tokenizer("byt5")
        ids = page.eval_on_selector_all('[data-name="byt5-browser"] .tok', "els => els.map(e => +e.dataset.id)")
        assert ids == byt5.encode(text, add_special_tokens=False), text
        pieces = page.eval_on_selector_all('[data-name="byt5-browser"] .tok', "els => els.map(e => e.textContent)")
        assert pieces == [p.replace(" ", "\u2423").replace("\n", "\u21b5").replace("\t", "\u2192")
                          for p in byt5.token_strings(ids)], text
    page.screenshot(path=str(artifacts / "site-playground-browser.png"), full_page=True)
    page.close()

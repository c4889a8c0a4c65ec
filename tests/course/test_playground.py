"""`autograder playground`: the local page and its API, end to end.

The API is checked over HTTP against the Python tokenizers; the page is driven in headless
Chromium (typing as a person would), and the counts it shows are compared with Python's.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder.cli import main as autograder
from autograder.commands.playground import MAX_TEXT, make_server, parallel_texts
from autograder.worker_helpers.m3_tokenizer_zoo import tokenizer

ROOT = Path(__file__).resolve().parents[2]
ZOO = ("bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5")  # Module 3's offline seven
TEXTS = ["How many r's are in strawberry?",
         "Grüße aus Köln! 你好，世界。 नमस्ते 👩‍💻",
         "def f(x):\n\treturn x  # 12,345.67 <|endoftext|>"]


@contextmanager
def playground(submission: Path | None = None):
    server = make_server(port=0, submission=submission)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        server.RequestHandlerClass.tokenizers.close()


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/api/tokenize", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def reference_playground():
    with playground(ROOT / "solutions") as url:
        yield url


def test_the_api_gives_each_tokenizers_ids_counts_and_tax(reference_playground):
    english = parallel_texts()["en"]["text"]
    for text in TEXTS:
        status, payload = post(reference_playground, json.dumps({"text": text, "reference": english}).encode())
        assert status == 200
        rows = {row["name"]: row for row in payload["results"]}
        assert list(rows) == [*ZOO, "ours"]
        for name in ZOO:
            tok = tokenizer(name)
            ids = tok.encode(text, add_special_tokens=False)
            row = rows[name]
            assert row["ids"] == ids and row["count"] == len(ids), name
            assert row["tokens"] == tok.token_strings(ids)
            assert row["chars_per_token"] == pytest.approx(len(text) / len(ids))
            assert row["tax"] == pytest.approx(len(ids) / tok.count(english))
        assert rows["ours"]["ids"] == rows["gpt2"]["ids"], "the reference BPE must match GPT-2"


def test_bad_requests_get_one_clear_message(reference_playground):
    status, payload = post(reference_playground, b"not json")
    assert status == 400 and payload["error"].startswith("bad request")
    status, payload = post(reference_playground, json.dumps({"text": 5}).encode())
    assert status == 400 and "strings" in payload["error"]
    status, payload = post(reference_playground, json.dumps({"text": "a" * (MAX_TEXT + 1)}).encode())
    assert status == 413 and f"{MAX_TEXT:,}" in payload["error"]
    status, payload = post(reference_playground, json.dumps({"text": ""}).encode())
    assert status == 200 and all(row["count"] == 0 for row in payload["results"])


def test_an_unfinished_student_tokenizer_shows_its_error_in_its_column(tmp_path):
    """A stub raising NotImplementedError must not break the page: its column says why."""
    from autograder.release import strip_solutions

    module = tmp_path / "m1_tokenization"
    module.mkdir()
    for path in (ROOT / "solutions" / "m1_tokenization").glob("*.py"):
        (module / path.name).write_text(strip_solutions(path.read_text(encoding="utf-8"), str(path)),
                                        encoding="utf-8")
    with playground(tmp_path) as url:
        status, payload = post(url, json.dumps({"text": "hello", "reference": ""}).encode())
    rows = {row["name"]: row for row in payload["results"]}
    assert status == 200 and rows["gpt2"]["count"] == 1
    assert "NotImplementedError" in rows["ours"]["error"]


def test_the_command_refuses_a_missing_submission_with_one_message(capsys, tmp_path):
    assert autograder(["playground", str(tmp_path / "nowhere"), "--no-browser"]) == 2
    assert "no such submission folder" in capsys.readouterr().err
    assert autograder(["playground", str(tmp_path), "--no-browser"]) == 2
    assert "m1_tokenization/tokenizer.py" in capsys.readouterr().err


def test_typing_in_the_page_updates_every_column_with_pythons_counts(reference_playground, browser, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(reference_playground + "/")
    page.wait_for_selector('#mode[data-mode="server"]')
    for text in TEXTS:
        page.fill("#text", "")
        page.type("#text", text, delay=5)  # keystroke by keystroke, as a person types
        page.wait_for_function("t => document.querySelector('#results').dataset.text === t", arg=text)
        for name in ZOO:
            shown = int(page.inner_text(f'[data-name="{name}"] .count'))
            assert shown == tokenizer(name).count(text), (name, text)
        assert page.inner_text('[data-name="ours"] .count') == page.inner_text('[data-name="gpt2"] .count')
    first = page.query_selector('[data-name="gpt4"] .tok')
    assert first.get_attribute("title") == f"id {tokenizer('gpt4').encode(TEXTS[-1], add_special_tokens=False)[0]}"
    page.click('button[data-lang="hi"]')
    hindi = parallel_texts()["hi"]["text"]
    page.wait_for_function("t => document.querySelector('#results').dataset.text === t", arg=hindi)
    tax = float(page.inner_text('[data-name="gpt4"] .tax').rstrip("×"))
    gpt4 = tokenizer("gpt4")
    assert tax == pytest.approx(gpt4.count(hindi) / gpt4.count(parallel_texts()["en"]["text"]), abs=0.005)
    page.screenshot(path=str(artifacts / "playground-server.png"), full_page=True)
    page.close()

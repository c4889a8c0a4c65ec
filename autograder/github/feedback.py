"""The one comment on the "Feedback" pull request, kept up to date through GitHub's REST API.

GitHub Classroom opened a pull request titled "Feedback" (base branch `feedback`) in every
repository it created, for the instructor's review. When that pull request is open, each graded
push edits one comment on it, found by a hidden marker at the start of its body; a new comment
is made only when there is none yet (and duplicates from racing runs are removed). When there is
no such pull request nothing is posted: the job summary and annotations carry the feedback.

Only the standard library is used (urllib); the API's base address comes from
`$GITHUB_API_URL`, so tests point it at a local fake server.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from autograder.github.report import COMMENT_MARKER

FEEDBACK_TITLE = "feedback"
FEEDBACK_BRANCH = "feedback"


class GitHubError(Exception):
    """The API refused or failed; the message says what to check."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class GitHubAPI:
    def __init__(self, repository: str, token: str, base_url: str = "https://api.github.com",
                 timeout: float = 30.0):
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository or ""):
            raise GitHubError(f"GITHUB_REPOSITORY must look like owner/name, not {repository!r}")
        if not token:
            raise GitHubError("no token: set GITHUB_TOKEN (the workflow passes github.token)")
        self.repository, self.token = repository, token
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[object, dict]:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "autograder-feedback",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
                return (json.loads(raw) if raw else None), dict(response.headers)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise GitHubError(f"{method} {path} answered {error.code}: {detail}",
                              error.code) from None
        except (urllib.error.URLError, OSError) as error:
            raise GitHubError(f"{method} {path} failed: {getattr(error, 'reason', error)}") from None

    def paginate(self, path: str) -> list:
        """All items of a list endpoint, following the `Link: <…>; rel="next"` headers."""
        items: list = []
        url: str | None = path + ("&" if "?" in path else "?") + "per_page=100"
        for _ in range(100):  # 10,000 items at most
            if url is None:
                break
            page, headers = self.request("GET", url)
            items.extend(page or [])
            url = _next_link(headers.get("Link") or headers.get("link") or "")
        return items


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', part)
        if match:
            return match[1]
    return None


@dataclass
class Outcome:
    action: str  # "created" | "updated" | "unchanged" | "no-pull-request"
    pull_request: int | None = None
    comment_id: int | None = None
    removed_duplicates: int = 0

    def describe(self) -> str:
        if self.action == "no-pull-request":
            return ("no open \"Feedback\" pull request in this repository: nothing posted "
                    "(the job summary has the feedback)")
        return (f"{self.action} the feedback comment {self.comment_id} on pull request "
                f"#{self.pull_request}"
                + (f"; removed {self.removed_duplicates} duplicate(s)"
                   if self.removed_duplicates else ""))


def find_feedback_pull_request(api: GitHubAPI) -> int | None:
    """The open pull request titled "Feedback" (or based on the `feedback` branch)."""
    pulls = api.paginate(f"/repos/{api.repository}/pulls?state=open")
    for wanted in (lambda p: (p.get("title") or "").strip().casefold() == FEEDBACK_TITLE,
                   lambda p: ((p.get("base") or {}).get("ref") or "") == FEEDBACK_BRANCH):
        matches = sorted(p["number"] for p in pulls if wanted(p))
        if matches:
            return matches[0]
    return None


def _ours(comment: dict) -> bool:
    """A comment this workflow wrote: the marker first, written by a bot account (so a
    student's comment that quotes the marker is never edited or removed)."""
    user = comment.get("user") or {}
    return (comment.get("body") or "").startswith(COMMENT_MARKER) and user.get("type") == "Bot"


def upsert_feedback_comment(api: GitHubAPI, body: str) -> Outcome:
    if not body.startswith(COMMENT_MARKER):
        body = f"{COMMENT_MARKER}\n{body}"
    number = find_feedback_pull_request(api)
    if number is None:
        return Outcome("no-pull-request")
    comments = [c for c in api.paginate(f"/repos/{api.repository}/issues/{number}/comments")
                if _ours(c)]
    if not comments:
        created, _ = api.request("POST", f"/repos/{api.repository}/issues/{number}/comments",
                                 {"body": body})
        return Outcome("created", number, created["id"])
    keep, *duplicates = sorted(comments, key=lambda c: c["id"])
    for duplicate in duplicates:
        api.request("DELETE", f"/repos/{api.repository}/issues/comments/{duplicate['id']}")
    if keep.get("body") == body:
        return Outcome("unchanged", number, keep["id"], len(duplicates))
    api.request("PATCH", f"/repos/{api.repository}/issues/comments/{keep['id']}", {"body": body})
    return Outcome("updated", number, keep["id"], len(duplicates))

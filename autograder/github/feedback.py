"""Feedback comments on a student repository, kept up to date through GitHub's REST API.

Two writers use this module, each with its own comment (found by a hidden marker at the start
of its body, so each push edits the same comment; duplicates from racing runs are removed):

- the student workflow's `feedback` job, which never checks out or installs the student's code:
  it runs this file as a script (the workflow carries a copy of it, so nothing from the
  repository is executed), reads the `score.json` the grade job uploaded, checks every field
  (kinds, ranges, lengths: the grade job ran student code, so its output is untrusted) and
  posts a comment built from those numbers and its own words only;
- the course's grading service (`autograder classroom grade`), which posts the full feedback
  of the hidden tests with `COURSE_MARKER`.

The comment goes on the open pull request titled "Feedback" (GitHub Classroom opened one in
every repository it created; `autograder classroom provision` opens it for new ones). Without
one, the course's service comments on the commit instead and the student workflow posts
nothing (the run's summary has the feedback).

Only the standard library is used, and nothing from the `autograder` package: this file must
run on its own. The API's base address comes from `$GITHUB_API_URL`, so tests point it at a
local fake server.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field

MARKER = "<!-- autograder:feedback -->"
COURSE_MARKER = "<!-- autograder:course-grade -->"
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
            url = next_link(headers.get("Link") or headers.get("link") or "")
        return items


def next_link(header: str) -> str | None:
    for part in header.split(","):
        match = re.search(r'<([^>]+)>\s*;\s*rel="next"', part)
        if match:
            return match[1]
    return None


@dataclass
class Outcome:
    action: str  # "created" | "updated" | "unchanged" | "no-pull-request" | "commented-on-commit"
    pull_request: int | None = None
    comment_id: int | None = None
    removed_duplicates: int = 0

    def describe(self) -> str:
        if self.action == "no-pull-request":
            return ("no open \"Feedback\" pull request in this repository: nothing posted "
                    "(the job summary has the feedback)")
        if self.action == "commented-on-commit":
            return f"the feedback comment {self.comment_id} is on the graded commit"
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


def _ours(comment: dict, marker: str) -> bool:
    """A comment this writer made: the marker first, written by a bot account (so a
    student's comment that quotes the marker is never edited or removed)."""
    user = comment.get("user") or {}
    return (comment.get("body") or "").startswith(marker) and user.get("type") == "Bot"


def upsert_feedback_comment(api: GitHubAPI, body: str, marker: str = MARKER) -> Outcome:
    """Create or edit the one comment headed by `marker` on the Feedback pull request."""
    if not body.startswith(marker):
        body = f"{marker}\n{body}"
    number = find_feedback_pull_request(api)
    if number is None:
        return Outcome("no-pull-request")
    comments = [c for c in api.paginate(f"/repos/{api.repository}/issues/{number}/comments")
                if _ours(c, marker)]
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


def comment_on_commit(api: GitHubAPI, sha: str, body: str, marker: str) -> Outcome:
    """The fallback without a Feedback pull request: one comment on the graded commit (a new
    commit gets a new comment; a regrade of the same commit edits ours)."""
    if not re.fullmatch(r"[0-9a-f]{40}", sha or ""):
        raise GitHubError(f"not a commit sha: {sha!r}")
    if not body.startswith(marker):
        body = f"{marker}\n{body}"
    path = f"/repos/{api.repository}/commits/{sha}/comments"
    ours = [c for c in api.paginate(path) if _ours(c, marker)]
    if not ours:
        created, _ = api.request("POST", path, {"body": body})
        return Outcome("commented-on-commit", None, created["id"])
    keep = min(ours, key=lambda c: c["id"])
    if keep.get("body") != body:
        api.request("PATCH", f"/repos/{api.repository}/comments/{keep['id']}", {"body": body})
    return Outcome("commented-on-commit", None, keep["id"])


# ---------------------------------------------------------------------- the score card
#
# What the grade job of the student workflow hands to the feedback job (`score.json`, written
# by `autograder github report`). The feedback job trusts none of it: every field is checked
# here before a number of it reaches the comment, and no text of it is shown at all.

SCORE_CARD = "score.json"
SCORE_CARD_LIMIT = 64 * 1024
_MODULE_ID = re.compile(r"[a-z][a-z0-9_]{0,47}")
_HIDDEN = {"graded": "the public and the hidden tests",
           "not-configured": "the public tests only"}


class ScoreCardError(ValueError):
    """score.json is missing or is not what `autograder github report` writes."""


@dataclass
class ModuleScore:
    id: str
    score: float
    max_score: float
    failed: int


@dataclass
class ScoreCard:
    score: float
    max_score: float
    modules: list[ModuleScore] = field(default_factory=list)
    hidden: str = "not-configured"
    isolation_weaker: bool = False
    changed_course_files: int = 0


def _number(data: dict, key: str, where: str, upper: float = 1e6) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScoreCardError(f"{where}{key} is not a number")
    if not math.isfinite(value) or not 0 <= value <= upper:
        raise ScoreCardError(f"{where}{key} is out of range")
    return float(value)


def _count(data: dict, key: str, where: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise ScoreCardError(f"{where}{key} is not a count")
    return value


def parse_score_card(raw: bytes) -> ScoreCard:
    """A checked ScoreCard from the bytes of score.json; ScoreCardError names what is wrong
    (in this module's words: no text from the file is repeated)."""
    if len(raw) > SCORE_CARD_LIMIT:
        raise ScoreCardError(f"{SCORE_CARD} is larger than {SCORE_CARD_LIMIT} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ScoreCardError(f"{SCORE_CARD} is not JSON") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ScoreCardError(f"{SCORE_CARD} is not a version 1 score card")
    max_score = _number(data, "max_score", "")
    score = _number(data, "score", "", upper=max_score)
    modules_data = data.get("modules")
    if not isinstance(modules_data, list) or not 1 <= len(modules_data) <= 32:
        raise ScoreCardError("modules is not a list of 1 to 32 modules")
    modules, seen = [], set()
    for number, item in enumerate(modules_data):
        where = f"modules[{number}]."
        if not isinstance(item, dict):
            raise ScoreCardError(f"modules[{number}] is not an object")
        ident = item.get("id")
        if not isinstance(ident, str) or not _MODULE_ID.fullmatch(ident) or ident in seen:
            raise ScoreCardError(f"{where}id is not a module id (or is repeated)")
        seen.add(ident)
        top = _number(item, "max_score", where)
        modules.append(ModuleScore(ident, _number(item, "score", where, upper=top), top,
                                   _count(item, "failed", where)))
    if abs(sum(m.score for m in modules) - score) > 1e-6 or \
            abs(sum(m.max_score for m in modules) - max_score) > 1e-6:
        raise ScoreCardError("the modules' points do not add up to the score")
    hidden = data.get("hidden")
    if hidden not in _HIDDEN:
        raise ScoreCardError("hidden is not one of " + ", ".join(sorted(_HIDDEN)))
    weaker = data.get("isolation_weaker")
    if not isinstance(weaker, bool):
        raise ScoreCardError("isolation_weaker is not true or false")
    return ScoreCard(score, max_score, modules, hidden, weaker,
                     _count(data, "changed_course_files", ""))


def score_comment(card: ScoreCard | None, run_url: str, sha: str, problem: str = "") -> str:
    """The student workflow's comment: numbers from the checked card and fixed sentences."""
    lines = [MARKER]
    if card is None:
        lines += ["### Autograder: not graded", "",
                  f"The run did not produce a usable grade ({problem}). "
                  "Open the workflow run to see what happened."]
    else:
        lines += [f"### Autograder: {card.score:g} / {card.max_score:g} points "
                  f"({_HIDDEN[card.hidden]})", "",
                  "| Module | Points | Failed tests |", "| --- | ---: | ---: |"]
        lines += [f"| `{m.id}` | {m.score:g} / {m.max_score:g} | {m.failed} |"
                  for m in card.modules]
        lines.append("")
        if card.hidden != "graded":
            lines.append("This score is feedback from the public tests. The hidden tests run "
                         "on the course's grading service, which reports on your commit "
                         "separately; the grade that counts is computed after the deadline.")
        if card.isolation_weaker:
            lines.append("")
            lines.append("**Note:** the grader ran with weaker isolation than its full "
                         "sandbox on this run (see the run's summary).")
        if card.changed_course_files:
            lines.append("")
            lines.append(f"**Note:** {card.changed_course_files} file(s) that belong to the "
                         "course template differ from it (see the run's summary).")
    lines.append("")
    bits = []
    if re.fullmatch(r"[0-9a-f]{7,40}", sha or ""):
        bits.append(f"commit `{sha[:7]}`")
    if re.fullmatch(r"https://[\w.-]+(:\d+)?/[\w.-]+/[\w.-]+/actions/runs/\d+", run_url or ""):
        bits.append(f"every failed test with its hint: [the run's summary]({run_url})")
    lines.append("<sub>" + " · ".join(bits) + "</sub>" if bits else "")
    return "\n".join(lines).rstrip() + "\n"


def main(env: dict | None = None) -> int:
    """The feedback job: read $SCORE_CARD_DIR/score.json, check it, post the comment.
    A failure to post is a warning: the feedback is in the run's summary already."""
    env = dict(os.environ) if env is None else env
    folder = env.get("SCORE_CARD_DIR") or "."
    card, problem = None, ""
    try:
        with open(os.path.join(folder, SCORE_CARD), "rb") as f:
            card = parse_score_card(f.read(SCORE_CARD_LIMIT + 1))
    except OSError:
        problem = f"no {SCORE_CARD}: the grade job did not finish"
    except ScoreCardError as error:
        problem = str(error)
    if problem:
        print(f"::warning title=Feedback::{problem}")
    run_url = "{}/{}/actions/runs/{}".format(env.get("GITHUB_SERVER_URL", "https://github.com"),
                                             env.get("GITHUB_REPOSITORY", ""),
                                             env.get("GITHUB_RUN_ID", ""))
    body = score_comment(card, run_url, env.get("GITHUB_SHA", ""), problem)
    try:
        api = GitHubAPI(env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_TOKEN", ""),
                        env.get("GITHUB_API_URL", "https://api.github.com"))
        outcome = upsert_feedback_comment(api, body)
    except GitHubError as error:
        hint = (" (the feedback job needs `permissions: pull-requests: write`)"
                if error.status in (401, 403, 404) else "")
        print(f"::warning title=Feedback comment::the comment was not updated: {error}{hint}"
              .replace("\n", " "))
        return 0
    print(outcome.describe())
    if card is not None:
        summary = env.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(body.replace(MARKER + "\n", "", 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A fake of the GitHub REST endpoints the course uses, on 127.0.0.1 only.

It follows GitHub's documented shapes for each endpoint (paths, methods, status codes, bodies):
repositories from a template, collaborators and their invitations, refs, pull requests, issue
and commit comments, commit statuses and the repository activity list. Every list is paginated
with a small page size and `Link: <…>; rel="next"` headers; every answer carries the
`X-RateLimit-*` headers, and the primary limit (403 with `X-RateLimit-Remaining: 0`) and the
secondary one (429 with `Retry-After`) can be triggered; unknown things answer 404 with
`{"message": "Not Found"}`, invalid writes 422 with `errors`. State lives in memory.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

BOT = {"login": "github-actions[bot]", "type": "Bot"}
_SEGMENT = r"[\w.-]+"


@dataclass
class FakeRepository:
    full_name: str
    private: bool = True
    is_template: bool = False
    heads: dict[str, str] = field(default_factory=dict)  # branch -> sha
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission
    invitations: list[dict] = field(default_factory=list)
    pulls: list[dict] = field(default_factory=list)
    comments: dict[int, list[dict]] = field(default_factory=dict)  # issue number -> comments
    commit_comments: dict[str, list[dict]] = field(default_factory=dict)
    statuses: dict[str, list[dict]] = field(default_factory=dict)
    activity: list[dict] = field(default_factory=list)
    git_dir: str = ""  # a bare repository whose branches are this repository's (git pushes)

    def sync(self) -> None:
        if self.git_dir:
            listed = subprocess.run(["git", "for-each-ref", "--format=%(refname:short) %(objectname)",
                                     "refs/heads"], cwd=self.git_dir, capture_output=True,
                                    text=True, check=True).stdout.split("\n")
            self.heads.update(dict(line.split() for line in listed if line.strip()))

    def as_json(self) -> dict:
        owner, name = self.full_name.split("/")
        return {"id": abs(hash(self.full_name)) % 10**9, "name": name,
                "full_name": self.full_name, "owner": {"login": owner},
                "private": self.private, "is_template": self.is_template,
                "default_branch": "main",
                "html_url": f"https://github.com/{self.full_name}",
                "clone_url": f"https://github.com/{self.full_name}.git"}


class FakeGitHub:
    def __init__(self, repository: str = "course/student-1", token: str = "test-token",
                 page_size: int = 2, users: set[str] | None = None):
        self.repository, self.token, self.page_size = repository, token, page_size
        self.repositories: dict[str, FakeRepository] = {}
        self.users = set(users or ())  # logins that exist (any, when empty)
        self.requests: list[tuple[str, str, dict | None]] = []
        self.refuse_writes = False
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset = int(time.time()) + 3600
        self.secondary_limit_once = False  # the next request answers 429 with Retry-After
        self.generate_empty = False  # new repositories have no commit yet (GitHub copies later)
        self._ids = itertools.count(1000)
        self._shas = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self.add_repository(repository)

    # ------------------------------------------------------------------ state

    def add_repository(self, full_name: str, **fields) -> FakeRepository:
        repo = self.repositories.get(full_name) or FakeRepository(full_name)
        for key, value in fields.items():
            setattr(repo, key, value)
        self.repositories[full_name] = repo
        return repo

    def sha(self) -> str:
        return f"{next(self._shas):040x}"

    @property
    def main(self) -> FakeRepository:
        return self.repositories[self.repository]

    # the single-repository helpers the feedback tests use
    @property
    def pulls(self) -> list[dict]:
        return self.main.pulls

    @property
    def comments(self) -> dict[int, list[dict]]:
        return self.main.comments

    @property
    def commit_comments(self) -> dict[str, list[dict]]:
        return self.main.commit_comments

    def add_pull(self, number: int, title: str, base: str = "main", head: str = "main",
                 repository: str | None = None) -> dict:
        repo = self.repositories[repository or self.repository]
        pull = {"number": number, "title": title, "state": "open",
                "base": {"ref": base}, "head": {"ref": head},
                "html_url": f"https://github.com/{repo.full_name}/pull/{number}"}
        repo.pulls.append(pull)
        repo.comments.setdefault(number, [])
        return pull

    def add_comment(self, number: int, body: str, user: dict | None = None,
                    repository: str | None = None) -> dict:
        repo = self.repositories[repository or self.repository]
        comment = {"id": next(self._ids), "body": body, "user": user or BOT}
        repo.comments.setdefault(number, []).append(comment)
        return comment

    def writes(self) -> list[tuple[str, str, dict | None]]:
        return [r for r in self.requests if r[0] != "GET"]

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
                raw = b"" if data is None or status == 204 else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                with fake._lock:
                    fake.requests.append((method, self.path, body))
                    if self.headers.get("Authorization") != f"Bearer {fake.token}":
                        return self._send(401, {"message": "Bad credentials"})
                    if fake.secondary_limit_once:
                        fake.secondary_limit_once = False
                        return self._send(429, {"message": "You have exceeded a secondary "
                                                           "rate limit."}, {"Retry-After": "1"})
                    limits = fake._rate_headers()
                    if fake.rate_remaining <= 0:
                        return self._send(403, {"message": "API rate limit exceeded"}, limits)
                    fake.rate_remaining -= 1
                    limits = fake._rate_headers()
                    status, data, headers = fake.route(method, self.path, body)
                self._send(status, data, {**limits, **headers})

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PATCH(self):
                self._handle("PATCH")

            def do_PUT(self):
                self._handle("PUT")

            def do_DELETE(self):
                self._handle("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _rate_headers(self) -> dict:
        return {"X-RateLimit-Limit": str(self.rate_limit),
                "X-RateLimit-Remaining": str(max(0, self.rate_remaining)),
                "X-RateLimit-Reset": str(self.rate_reset),
                "X-RateLimit-Used": str(self.rate_limit - max(0, self.rate_remaining)),
                "X-RateLimit-Resource": "core"}

    # ------------------------------------------------------------------ routes

    def route(self, method: str, path: str, body):
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        match = re.fullmatch(rf"/repos/({_SEGMENT}/{_SEGMENT})(/.*)?", parts.path)
        if not match:
            return _not_found()
        repo = self.repositories.get(match[1])
        rest = match[2] or ""
        if method == "POST" and rest == "/generate":
            return self._generate(repo, body)
        if repo is None:
            return _not_found()
        repo.sync()
        if self.refuse_writes and method != "GET":
            return 403, {"message": "Resource not accessible by integration"}, {}
        if method == "GET" and rest == "":
            return 200, repo.as_json(), {}
        for pattern, handler in self._routes():
            found = re.fullmatch(pattern, f"{method} {rest}")
            if found:
                return handler(repo, query, body, *found.groups())
        return 404, {"message": f"no route for {method} {parts.path}"}, {}

    def _routes(self):
        return [
            (r"GET /git/ref/heads/(.+)", self._get_ref),
            (r"POST /git/refs", self._create_ref),
            (rf"PUT /collaborators/({_SEGMENT})", self._put_collaborator),
            (rf"GET /collaborators/({_SEGMENT})", self._is_collaborator),
            (r"GET /invitations", lambda r, q, b: self._page(r, q, r.invitations)),
            (r"PATCH /invitations/(\d+)", self._update_invitation),
            (r"DELETE /invitations/(\d+)", self._delete_invitation),
            (r"GET /pulls", self._list_pulls),
            (r"POST /pulls", self._create_pull),
            (r"GET /issues/(\d+)/comments", self._list_issue_comments),
            (r"POST /issues/(\d+)/comments", self._create_issue_comment),
            (r"PATCH /issues/comments/(\d+)", self._edit_issue_comment),
            (r"DELETE /issues/comments/(\d+)", self._delete_issue_comment),
            (r"GET /commits/([0-9a-f]{40})/comments",
             lambda r, q, b, sha: self._page(r, q, r.commit_comments.get(sha, []))),
            (r"POST /commits/([0-9a-f]{40})/comments", self._create_commit_comment),
            (r"PATCH /comments/(\d+)", self._edit_commit_comment),
            (r"POST /statuses/([0-9a-f]{40})", self._create_status),
            (r"GET /commits/(.+)/status", self._combined_status),
            (r"GET /activity", self._activity),
        ]

    def _page(self, repo, query: dict, items: list):
        per_page = min(int(query.get("per_page", 30)), 100, self.page_size)
        page = int(query.get("page", 1))
        start = (page - 1) * per_page
        chunk = items[start:start + per_page]
        headers = {}
        if start + per_page < len(items):
            base = f"{self.url}/repos/{repo.full_name}"
            path = self._current_path
            others = {k: v for k, v in query.items() if k != "page"}
            headers["Link"] = (f'<{base}{path}?{urlencode({**others, "page": page + 1})}>; '
                               f'rel="next", <{base}{path}?{urlencode({**others, "page": 1})}>;'
                               ' rel="first"')
        return 200, chunk, headers

    @property
    def _current_path(self) -> str:
        path = urlsplit(self.requests[-1][1]).path
        return re.sub(rf"^/repos/{_SEGMENT}/{_SEGMENT}", "", path)

    def _generate(self, template, body):
        if template is None or not template.is_template:
            return _not_found()
        if not isinstance(body, dict) or not body.get("name"):
            return _invalid("Repository", "name", "missing_field")
        full_name = f"{body.get('owner') or template.full_name.split('/')[0]}/{body['name']}"
        if full_name in self.repositories:
            return 422, {"message": "Repository creation failed.",
                         "errors": [{"resource": "Repository", "code": "custom",
                                     "field": "name",
                                     "message": "name already exists on this account"}]}, {}
        repo = self.add_repository(full_name, private=bool(body.get("private")))
        if not self.generate_empty:
            repo.heads["main"] = self.sha()
        return 201, repo.as_json(), {}

    def _get_ref(self, repo, query, body, branch):
        if not repo.heads:
            return 409, {"message": "Git Repository is empty."}, {}
        if branch not in repo.heads:
            return _not_found()
        return 200, {"ref": f"refs/heads/{branch}",
                     "object": {"sha": repo.heads[branch], "type": "commit"}}, {}

    def _create_ref(self, repo, query, body):
        ref, sha = (body or {}).get("ref", ""), (body or {}).get("sha", "")
        if not ref.startswith("refs/") or not re.fullmatch(r"[0-9a-f]{40}", sha):
            return _invalid("Reference", "ref", "invalid")
        branch = ref.removeprefix("refs/heads/")
        if branch in repo.heads:
            return 422, {"message": "Reference already exists"}, {}
        repo.heads[branch] = sha
        return 201, {"ref": ref, "object": {"sha": sha, "type": "commit"}}, {}

    def _put_collaborator(self, repo, query, body, login):
        if self.users and login not in self.users:
            return _not_found()
        permission = (body or {}).get("permission", "push")
        if permission not in ("pull", "triage", "push", "maintain", "admin"):
            return _invalid("Collaborator", "permission", "invalid")
        if login in repo.collaborators:
            repo.collaborators[login] = permission
            return 204, None, {}
        for invitation in repo.invitations:
            if invitation["invitee"]["login"] == login and not invitation["expired"]:
                invitation["permissions"] = _permission_name(permission)
                return 204, None, {}
        invitation = {"id": next(self._ids), "invitee": {"login": login},
                      "repository": {"full_name": repo.full_name},
                      "permissions": _permission_name(permission), "expired": False,
                      "created_at": "2026-09-01T10:00:00Z",
                      "html_url": f"https://github.com/{repo.full_name}/invitations"}
        repo.invitations.append(invitation)
        return 201, invitation, {}

    def accept(self, full_name: str, login: str) -> None:
        """What a student's click on the invitation does."""
        repo = self.repositories[full_name]
        [invitation] = [i for i in repo.invitations if i["invitee"]["login"] == login]
        repo.invitations.remove(invitation)
        repo.collaborators[login] = {"write": "push", "read": "pull"}.get(
            invitation["permissions"], invitation["permissions"])

    def _is_collaborator(self, repo, query, body, login):
        return (204, None, {}) if login in repo.collaborators else _not_found()

    def _update_invitation(self, repo, query, body, ident):
        for invitation in repo.invitations:
            if invitation["id"] == int(ident):
                invitation["permissions"] = (body or {}).get("permissions",
                                                             invitation["permissions"])
                return 200, invitation, {}
        return _not_found()

    def _delete_invitation(self, repo, query, body, ident):
        repo.invitations = [i for i in repo.invitations if i["id"] != int(ident)]
        return 204, None, {}

    def _list_pulls(self, repo, query, body):
        state = query.get("state", "open")
        pulls = [p for p in repo.pulls if state == "all" or p["state"] == state]
        if "head" in query:
            pulls = [p for p in pulls if f"{repo.full_name.split('/')[0]}:{p['head']['ref']}"
                     == query["head"]]
        if "base" in query:
            pulls = [p for p in pulls if p["base"]["ref"] == query["base"]]
        return self._page(repo, query, pulls)

    def _create_pull(self, repo, query, body):
        body = body or {}
        for key in ("title", "head", "base"):
            if not body.get(key):
                return _invalid("PullRequest", key, "missing_field")
        head, base = body["head"].split(":")[-1], body["base"]
        if head not in repo.heads or base not in repo.heads:
            return _invalid("PullRequest", "head" if head not in repo.heads else "base",
                            "invalid")
        if repo.heads[head] == repo.heads[base]:
            return 422, {"message": "Validation Failed",
                         "errors": [{"resource": "PullRequest", "code": "custom",
                                     "message": f"No commits between {base} and {head}"}]}, {}
        if any(p["head"]["ref"] == head and p["base"]["ref"] == base and p["state"] == "open"
               for p in repo.pulls):
            return 422, {"message": "Validation Failed",
                         "errors": [{"resource": "PullRequest", "code": "custom",
                                     "message": "A pull request already exists for "
                                                f"{repo.full_name.split('/')[0]}:{head}."}]}, {}
        number = max([p["number"] for p in repo.pulls] + [0]) + 1
        pull = self.add_pull(number, body["title"], base=base, head=head,
                             repository=repo.full_name)
        pull["body"] = body.get("body", "")
        return 201, pull, {}

    def _list_issue_comments(self, repo, query, body, number):
        if int(number) not in repo.comments:
            return _not_found()
        return self._page(repo, query, repo.comments[int(number)])

    def _create_issue_comment(self, repo, query, body, number):
        if int(number) not in repo.comments:
            return _not_found()
        if not (body or {}).get("body"):
            return _invalid("IssueComment", "body", "missing_field")
        return 201, self.add_comment(int(number), body["body"],
                                     repository=repo.full_name), {}

    def _find_issue_comment(self, repo, ident):
        for number, comments in repo.comments.items():
            for comment in comments:
                if comment["id"] == int(ident):
                    return number, comment
        return None, None

    def _edit_issue_comment(self, repo, query, body, ident):
        _, comment = self._find_issue_comment(repo, ident)
        if comment is None:
            return _not_found()
        comment["body"] = body["body"]
        return 200, comment, {}

    def _delete_issue_comment(self, repo, query, body, ident):
        number, comment = self._find_issue_comment(repo, ident)
        if comment is None:
            return _not_found()
        repo.comments[number].remove(comment)
        return 204, None, {}

    def _create_commit_comment(self, repo, query, body, sha):
        if not (body or {}).get("body"):
            return _invalid("CommitComment", "body", "missing_field")
        comment = {"id": next(self._ids), "body": body["body"], "user": BOT, "commit_id": sha}
        repo.commit_comments.setdefault(sha, []).append(comment)
        return 201, comment, {}

    def _edit_commit_comment(self, repo, query, body, ident):
        for comments in repo.commit_comments.values():
            for comment in comments:
                if comment["id"] == int(ident):
                    comment["body"] = body["body"]
                    return 200, comment, {}
        return _not_found()

    def _create_status(self, repo, query, body, sha):
        body = body or {}
        if body.get("state") not in ("error", "failure", "pending", "success"):
            return _invalid("Status", "state", "invalid")
        if len(body.get("description") or "") > 140:
            return _invalid("Status", "description", "invalid")
        status = {"id": next(self._ids), "state": body["state"],
                  "context": body.get("context", "default"),
                  "description": body.get("description"), "target_url": body.get("target_url")}
        repo.statuses.setdefault(sha, []).insert(0, status)
        return 201, status, {}

    def _combined_status(self, repo, query, body, ref):
        sha = repo.heads.get(ref, ref)
        if not re.fullmatch(r"[0-9a-f]{40}", sha):
            return _not_found()
        latest: dict[str, dict] = {}
        for status in repo.statuses.get(sha, []):
            latest.setdefault(status["context"], status)
        statuses = list(latest.values())
        state = ("pending" if not statuses or any(s["state"] == "pending" for s in statuses)
                 else "failure" if any(s["state"] in ("failure", "error") for s in statuses)
                 else "success")
        return 200, {"state": state, "sha": sha, "statuses": statuses,
                     "total_count": len(statuses)}, {}

    def _activity(self, repo, query, body):
        items = [a for a in repo.activity
                 if ("ref" not in query or a["ref"] == query["ref"]
                     or a["ref"] == f"refs/heads/{query['ref']}")
                 and ("activity_type" not in query or a["activity_type"] == query["activity_type"])]
        items = sorted(items, key=lambda a: a["timestamp"], reverse=query.get("direction") != "asc")
        return self._page(repo, query, items)

    def push(self, full_name: str, branch: str, sha: str, timestamp: str,
             actor: str = "student") -> None:
        """A push as the activity list records it (GitHub's clock, not the committer's)."""
        repo = self.repositories[full_name]
        before = repo.heads.get(branch, "0" * 40)
        repo.heads[branch] = sha
        repo.activity.append({"id": next(self._ids), "node_id": "RA_x", "before": before,
                              "after": sha, "ref": f"refs/heads/{branch}",
                              "timestamp": timestamp, "activity_type": "push",
                              "actor": {"login": actor}})


def _not_found():
    return 404, {"message": "Not Found",
                 "documentation_url": "https://docs.github.com/rest"}, {}


def _invalid(resource: str, field_name: str, code: str):
    return 422, {"message": "Validation Failed",
                 "errors": [{"resource": resource, "field": field_name, "code": code}]}, {}


def _permission_name(permission: str) -> str:
    return {"push": "write", "pull": "read"}.get(permission, permission)

"""Each student's private repository from the template, the invitation, the Feedback pull request.

For every student of the roster (one call of `provision_one` each, so a rerun after an
interruption, a rate limit or a new roster row picks up where it stopped):

1. the repository: `GET /repos/{owner}/{name}`; when it is missing,
   `POST /repos/{template_owner}/{template_repo}/generate` (private, default branch only);
   GitHub answers 422 when the name exists, which is taken as done;
2. the `feedback` branch at the starter commit (`POST /repos/{…}/git/refs`), and the "Feedback"
   pull request from the default branch into it as soon as the student has pushed (GitHub
   refuses a pull request with no commits between, so until then it is "waiting");
3. the student as a collaborator with write access: accepted when
   `GET /repos/{…}/collaborators/{login}` answers 204; otherwise the pending invitation is kept,
   an expired one is replaced, and a new one is sent with `PUT /repos/{…}/collaborators/{login}`.

The ledger (`classroom.json` beside autograder.toml) records each student's state after every
student; GitHub itself stays the truth, so the ledger can be deleted and rebuilt by a rerun.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from autograder.classroom.api import ApiError, GitHub, full_name
from autograder.instructor.roster import Student

LEDGER = "classroom.json"
FEEDBACK_BRANCH = "feedback"
FEEDBACK_TITLE = "Feedback"
FEEDBACK_BODY = ("Your instructor's feedback goes here: this pull request compares your work "
                 "with the starter code. Do not merge or close it.")
ACCEPTED, PENDING, EXPIRED, NO_ACCOUNT = "accepted", "pending", "expired", "no such account"


@dataclass
class StudentState:
    """One student's line of the ledger."""
    repository: str = ""
    created: bool = False
    invitation: str = ""         # ACCEPTED, PENDING, NO_ACCOUNT, or "" (not invited yet)
    invitation_id: int = 0
    feedback_pull: int = 0       # the Feedback pull request's number, 0 while waiting
    locked: bool = False
    problem: str = ""
    updated: str = ""


@dataclass
class Ledger:
    path: Path
    students: dict[str, StudentState] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Ledger":
        ledger = cls(Path(path))
        if ledger.path.is_file():
            data = json.loads(ledger.path.read_text(encoding="utf-8"))
            known = set(StudentState.__dataclass_fields__)
            ledger.students = {key: StudentState(**{k: v for k, v in value.items() if k in known})
                               for key, value in data.get("students", {}).items()}
        return ledger

    def state(self, key: str) -> StudentState:
        return self.students.setdefault(key, StudentState())

    def save(self) -> None:
        data = {"version": 1, "students": {k: asdict(v) for k, v in sorted(self.students.items())}}
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def provision(api: GitHub, students: Iterable[Student], template: str, ledger: Ledger,
              on_student: Callable[[str, StudentState], None] | None = None) -> Ledger:
    """Provision every student, saving the ledger after each; a student's failure is recorded
    in their line and never stops the others."""
    for student in students:
        state = ledger.state(student.key)
        try:
            provision_one(api, student, template, state)
            state.problem = ""
        except (ApiError, ValueError) as error:
            state.problem = str(error)
        state.updated = _now()
        ledger.save()
        if on_student is not None:
            on_student(student.key, state)
    return ledger


def provision_one(api: GitHub, student: Student, template: str, state: StudentState) -> None:
    repository = full_name(student.repository)
    state.repository = repository
    owner, name = repository.split("/")
    missing = not api.exists(f"/repos/{repository}")
    if missing:
        try:
            api.post(f"/repos/{template}/generate", {
                "owner": owner, "name": name, "private": True, "include_all_branches": False,
                "description": f"{student.identity.name or student.key}'s work"})
            state.created = True
        except ApiError as error:
            if not (error.status == 422 and error.says("already exists")):
                raise
    if api.dry_run and missing:  # nothing to read yet: show the writes that would follow
        api.post(f"/repos/{repository}/git/refs", {"ref": f"refs/heads/{FEEDBACK_BRANCH}",
                                                   "sha": "(the starter commit)"})
        api.put(f"/repos/{repository}/collaborators/{student.identity.github_username}",
                {"permission": "push"})
        return
    ensure_feedback_pull(api, repository, state)
    invite(api, repository, student, state)


def ensure_feedback_pull(api: GitHub, repository: str, state: StudentState) -> int:
    """The feedback branch at the starter commit and, once the student has pushed, the
    Feedback pull request. Returns its number (0 while waiting)."""
    if state.feedback_pull:
        return state.feedback_pull
    open_pulls = api.paginate(f"/repos/{repository}/pulls?state=open&base={FEEDBACK_BRANCH}")
    ours = [p for p in open_pulls if (p.get("title") or "").strip() == FEEDBACK_TITLE]
    if ours:
        state.feedback_pull = min(p["number"] for p in ours)
        return state.feedback_pull
    try:
        main = api.get(f"/repos/{repository}/git/ref/heads/main")["object"]["sha"]
    except ApiError as error:
        if error.status in (404, 409):  # GitHub is still copying the template
            return 0
        raise
    try:
        base = api.get(f"/repos/{repository}/git/ref/heads/{FEEDBACK_BRANCH}")["object"]["sha"]
    except ApiError as error:
        if error.status != 404:
            raise
        api.post(f"/repos/{repository}/git/refs",
                 {"ref": f"refs/heads/{FEEDBACK_BRANCH}", "sha": main})
        base = main
    if base == main:
        return 0  # nothing pushed yet; GitHub refuses a pull request with no commits between
    try:
        pull = api.post(f"/repos/{repository}/pulls", {
            "title": FEEDBACK_TITLE, "head": "main", "base": FEEDBACK_BRANCH,
            "body": FEEDBACK_BODY})
    except ApiError as error:
        if error.status == 422 and error.says("no commits between"):
            return 0
        raise
    state.feedback_pull = pull["number"] if pull else 0
    return state.feedback_pull


def invite(api: GitHub, repository: str, student: Student, state: StudentState,
           permission: str = "push") -> str:
    login = student.identity.github_username
    if not login:
        raise ValueError("no github_username in the roster: nobody to invite")
    if api.exists(f"/repos/{repository}/collaborators/{login}"):
        state.invitation = ACCEPTED
        return ACCEPTED
    for invitation in api.paginate(f"/repos/{repository}/invitations"):
        if ((invitation.get("invitee") or {}).get("login") or "").lower() != login.lower():
            continue
        if not invitation.get("expired"):
            state.invitation, state.invitation_id = PENDING, invitation["id"]
            return PENDING
        api.delete(f"/repos/{repository}/invitations/{invitation['id']}")
    try:
        response = api.put(f"/repos/{repository}/collaborators/{login}",
                           {"permission": permission})
    except ApiError as error:
        if error.status == 404:
            state.invitation = NO_ACCOUNT
            raise ValueError(f"GitHub has no account {login!r} (check the roster)") from None
        raise
    if response.status == 201:
        state.invitation, state.invitation_id = PENDING, (response.data or {}).get("id", 0)
    elif response.status == 204:
        state.invitation = ACCEPTED  # an organization member is added at once
    return state.invitation


def refresh(api: GitHub, students: Iterable[Student], ledger: Ledger) -> Ledger:
    """Who accepted since the last look, and Feedback pull requests that can now be opened."""
    for student in students:
        state = ledger.state(student.key)
        if not state.repository:
            continue
        try:
            if state.invitation != ACCEPTED and student.identity.github_username:
                invite(api, state.repository, student, state)
            ensure_feedback_pull(api, state.repository, state)
            state.problem = ""
        except (ApiError, ValueError) as error:
            state.problem = str(error)
        state.updated = _now()
        ledger.save()
    return ledger

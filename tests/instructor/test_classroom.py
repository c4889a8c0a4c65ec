"""`autograder classroom` against a fake GitHub on 127.0.0.1 (tests/template/fake_github.py)
and local bare git repositories: provisioning, invitations, rate limits, dry run, locking,
push times, starter updates, the course's grading service, publishing and the LMS export."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from autograder.classroom import provision as prov
from autograder.classroom.api import ApiError, GitHub, full_name
from autograder.classroom.deadline import push_sightings, set_access
from autograder.classroom.publish import FINAL_MARKER, canvas_csv, publish
from autograder.classroom.service import CONTEXT, grade_commit, pending_commits
from autograder.classroom.starter import OFFERED, UP_TO_DATE, offer_update
from autograder.cli import main
from autograder.github.feedback import COURSE_MARKER
from autograder.instructor.identity import Identity
from autograder.instructor.roster import Student
from tests.engine.toy_course import write_course
from tests.instructor.classroom import GOOD, STUB, TOY_FILE, WRONG_ADD, Classroom, git
from tests.template.fake_github import FakeGitHub

ORG = "llm-2026"
TEMPLATE = f"{ORG}/tokenization-template"
TOKEN = "ghs_classroom"


def student(login: str) -> Student:
    return Student(key=login, repository=f"https://github.com/{ORG}/tokenization-{login}.git",
                   identity=Identity(github_username=login, name=login.title()))


@pytest.fixture
def github():
    with FakeGitHub(TEMPLATE, token=TOKEN, page_size=2) as fake:
        fake.main.is_template = True
        fake.main.heads["main"] = fake.sha()
        yield fake


class Clock:
    def __init__(self):
        self.now, self.slept = 1_000_000.0, []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(fake: FakeGitHub, clock: Clock | None = None, **options) -> GitHub:
    clock = clock or Clock()
    return GitHub(TOKEN, fake.url, write_interval=0, sleep=clock.sleep,
                  clock=lambda: clock.now, printer=lambda line: None, **options)


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(m, p.split("?")[0]) for m, p, _ in fake.writes()]


def test_provision_creates_invites_and_is_idempotent(github, tmp_path):
    students = [student(n) for n in ("ada", "bob", "cid")]
    ledger = prov.provision(client(github), students, TEMPLATE, prov.Ledger(tmp_path / "c.json"))
    assert {s.repository for s in ledger.students.values()} == {
        f"{ORG}/tokenization-{n}" for n in ("ada", "bob", "cid")}
    for name in ("ada", "bob", "cid"):
        repo = github.repositories[f"{ORG}/tokenization-{name}"]
        assert repo.private and repo.heads["feedback"] == repo.heads["main"]
        assert [i["invitee"]["login"] for i in repo.invitations] == [name]
        assert repo.invitations[0]["permissions"] == "write"
        assert ledger.students[name].invitation == prov.PENDING
        assert ledger.students[name].feedback_pull == 0  # nothing pushed yet: no PR possible
    generate = [b for m, p, b in github.requests if p == f"/repos/{TEMPLATE}/generate"]
    assert generate[0] == {"owner": ORG, "name": "tokenization-ada", "private": True,
                           "include_all_branches": False, "description": "Ada's work"}
    saved = json.loads((tmp_path / "c.json").read_text())
    assert saved["students"]["bob"]["invitation"] == "pending"

    before = len(github.writes())
    prov.provision(client(github), students, TEMPLATE, prov.Ledger.load(tmp_path / "c.json"))
    assert len(github.writes()) == before, "a rerun changes nothing"


def test_acceptance_and_the_feedback_pull_request_once_the_student_pushed(github, tmp_path):
    students = [student("ada"), student("bob")]
    ledger = prov.provision(client(github), students, TEMPLATE, prov.Ledger(tmp_path / "c.json"))
    github.accept(f"{ORG}/tokenization-ada", "ada")
    repo = github.repositories[f"{ORG}/tokenization-ada"]
    repo.heads["main"] = github.sha()  # ada pushed
    prov.refresh(client(github), students, ledger)
    assert ledger.students["ada"].invitation == prov.ACCEPTED
    assert ledger.students["bob"].invitation == prov.PENDING
    [pull] = repo.pulls
    assert (pull["title"], pull["base"]["ref"], pull["head"]["ref"]) == ("Feedback", "feedback",
                                                                        "main")
    assert ledger.students["ada"].feedback_pull == pull["number"]
    prov.refresh(client(github), students, ledger)
    assert len(repo.pulls) == 1


def test_expired_invitations_are_replaced_and_unknown_accounts_named(github, tmp_path):
    github.users = {"ada", "bob"}
    students = [student("ada"), student("bob"), student("zed")]
    ledger = prov.provision(client(github), students, TEMPLATE, prov.Ledger(tmp_path / "c.json"))
    assert ledger.students["zed"].invitation == prov.NO_ACCOUNT
    assert "no account 'zed'" in ledger.students["zed"].problem
    repo = github.repositories[f"{ORG}/tokenization-bob"]
    repo.invitations[0]["expired"] = True
    old = repo.invitations[0]["id"]
    prov.refresh(client(github), students, ledger)
    assert [i["id"] for i in repo.invitations] != [old] and len(repo.invitations) == 1
    assert ("DELETE", f"/repos/{ORG}/tokenization-bob/invitations/{old}") in writes(github)


def test_dry_run_prints_every_call_and_sends_no_write(github, tmp_path):
    printed = []
    api = GitHub(TOKEN, github.url, dry_run=True, printer=printed.append, write_interval=0)
    prov.provision(api, [student("ada")], TEMPLATE, prov.Ledger(tmp_path / "c.json"))
    assert github.writes() == []
    assert printed[0] == f"GET /repos/{ORG}/tokenization-ada"
    assert any(line.startswith(f"would POST /repos/{TEMPLATE}/generate {{") for line in printed)
    assert any(line.startswith(f"would PUT /repos/{ORG}/tokenization-ada/collaborators/ada")
               for line in printed)
    offline = GitHub("", github.url, dry_run=True, printer=printed.append)
    offline.get("/repos/x/y")
    assert printed[-1] == "would GET /repos/x/y" and github.requests[-1][1] != "/repos/x/y"


def test_rate_limits_are_waited_out(github):
    clock = Clock()
    api = client(github, clock)
    github.rate_remaining = 0
    github.rate_reset = int(clock.now) + 120

    def reset_later(seconds):
        clock.sleep(seconds)
        github.rate_remaining = 10  # the window reset while we waited

    api.sleep = reset_later
    assert api.get(f"/repos/{TEMPLATE}")["full_name"] == TEMPLATE
    assert clock.slept == [121.0]
    github.secondary_limit_once = True
    assert api.get(f"/repos/{TEMPLATE}")["is_template"] is True
    assert clock.slept[-1] == 1.0  # Retry-After
    spaced = client(github, clock, )
    spaced.write_interval = 1.0
    spaced.put(f"/repos/{TEMPLATE}/collaborators/ada", {"permission": "push"})
    spaced.put(f"/repos/{TEMPLATE}/collaborators/bob", {"permission": "push"})
    assert clock.slept[-1] == pytest.approx(1.0), "writes are spaced a second apart"


def test_errors_carry_status_and_githubs_message(github):
    api = client(github)
    with pytest.raises(ApiError) as error:
        api.get("/repos/nobody/nothing")
    assert error.value.status == 404 and "Not Found" in str(error.value)
    with pytest.raises(ApiError) as error:
        api.post(f"/repos/{TEMPLATE}/generate", {"owner": ORG})
    assert error.value.status == 422 and "missing_field" in str(error.value)
    with pytest.raises(ApiError, match="refusing to send the token"):
        api.get("https://elsewhere.invalid/repos/x/y")
    with pytest.raises(ApiError, match="no token"):
        GitHub("", github.url)
    assert full_name("/srv/remotes/llm-2026/tokenization-ada.git") == f"{ORG}/tokenization-ada"


def test_lock_and_unlock_at_the_cutoff(github, tmp_path):
    students = [student("ada"), student("bob")]
    ledger = prov.provision(client(github), students, TEMPLATE, prov.Ledger(tmp_path / "c.json"))
    github.accept(f"{ORG}/tokenization-ada", "ada")
    outcomes = set_access(client(github), students, ledger, locked=True)
    assert outcomes == {"ada": "read-only", "bob": "read-only"}
    assert github.repositories[f"{ORG}/tokenization-ada"].collaborators == {"ada": "pull"}
    assert github.repositories[f"{ORG}/tokenization-bob"].invitations[0]["permissions"] == "read"
    set_access(client(github), students, ledger, locked=False)
    assert github.repositories[f"{ORG}/tokenization-ada"].collaborators == {"ada": "push"}
    assert not ledger.students["ada"].locked


def test_push_times_come_from_githubs_activity_list(github):
    github.add_repository(f"{ORG}/tokenization-ada")
    for n, stamp in enumerate(("2026-10-15T21:00:00Z", "2026-10-17T08:00:00Z", "2026-10-18T08:00:00Z")):
        github.push(f"{ORG}/tokenization-ada", "main", f"{n + 1:040x}", stamp)
    github.push(f"{ORG}/tokenization-ada", "other", f"{9:040x}", "2026-10-15T20:00:00Z")
    found = push_sightings(client(github), student("ada"))
    assert sorted((s.time, s.commit) for s in found) == [
        (datetime(2026, 10, 15, 21, tzinfo=timezone.utc), f"{1:040x}"),
        (datetime(2026, 10, 17, 8, tzinfo=timezone.utc), f"{2:040x}"),
        (datetime(2026, 10, 18, 8, tzinfo=timezone.utc), f"{3:040x}")]  # three pages of two


# ---------------------------------------------------------------------- with real git


@pytest.fixture
def remote(tmp_path, github):
    """ada's repository: a bare git repository named like the GitHub one, with the toy
    exercise as its starter commit."""
    room = Classroom(tmp_path / "room")
    path = tmp_path / "git" / ORG / "tokenization-ada.git"
    path.parent.mkdir(parents=True)
    git("init", "--quiet", "--bare", "-b", "main", str(path))
    room.remote = lambda name: path
    room.push("ada", STUB, datetime.now(timezone.utc))
    github.add_repository(f"{ORG}/tokenization-ada", git_dir=str(path))
    return room, path


def test_the_grading_service_grades_with_hidden_tests_and_posts_back(github, remote, tmp_path):
    room, path = remote
    course = write_course(tmp_path / "course")["solutions"].parent
    (course / "autograder").mkdir()
    shutil.move(str(course / "suites"), str(course / "autograder" / "suites"))
    sha = room.push("ada", WRONG_ADD, datetime.now(timezone.utc))
    repo = github.repositories[f"{ORG}/tokenization-ada"]
    api = client(github)
    assert [(s.key, r, c) for s, r, c in pending_commits(api, [student("ada")])] == [
        ("ada", f"{ORG}/tokenization-ada", sha)]
    outcome = grade_commit(api, f"{ORG}/tokenization-ada", sha, course, str(path),
                           run_url="https://github.com/llm-2026/course/actions/runs/1")
    assert outcome.state == "success"
    assert [s["state"] for s in reversed(repo.statuses[sha])] == ["pending", "success"]
    assert repo.statuses[sha][0]["context"] == CONTEXT
    assert repo.statuses[sha][0]["description"] == "60 / 100 points with the hidden tests"
    [comment] = repo.commit_comments[sha]  # no Feedback PR yet: on the commit
    assert comment["body"].startswith(COURSE_MARKER)
    assert "hidden" in comment["body"] and "60 / 100" in comment["body"]
    assert pending_commits(api, [student("ada")]) == []
    assert "return a + b" not in comment["body"], "the reference never reaches the student"


def test_starter_update_offered_as_a_pull_request(github, remote, tmp_path):
    room, path = remote
    room.push("ada", GOOD, datetime.now(timezone.utc))  # the student's work
    template = tmp_path / "template-v2"
    (template / "exercises" / "m1_tokenization" / "tests").mkdir(parents=True)
    (template / TOY_FILE).write_text(STUB)  # the student's file: never overwritten
    (template / "exercises/m1_tokenization/tests/test_new.py").write_text("def test_x(): pass\n")
    (template / "exercises/m1_tokenization/new_exercise.py").write_text("# new\n")
    repo = github.repositories[f"{ORG}/tokenization-ada"]
    outcome = offer_update(client(github), f"{ORG}/tokenization-ada", str(path), template,
                           "2026-10-02")
    assert outcome == OFFERED
    [pull] = repo.pulls
    assert pull["head"]["ref"] == "starter-update-2026-10-02" and pull["base"]["ref"] == "main"
    shown = git("show", "--stat", "--format=", "starter-update-2026-10-02", cwd=path)
    assert "test_new.py" in shown and "new_exercise.py" in shown and "toy.py" not in shown
    git("push", "--quiet", str(path), "starter-update-2026-10-02:main", cwd=path)
    assert offer_update(client(github), f"{ORG}/tokenization-ada", str(path), template,
                        "2026-10-03") == UP_TO_DATE


def test_publish_and_the_canvas_export(github, tmp_path):
    github.add_repository(f"{ORG}/tokenization-ada")
    github.add_pull(1, "Feedback", base="feedback", repository=f"{ORG}/tokenization-ada")
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    (feedback / "ada.md").write_text("## Tokenization: 90 / 100\n")
    ledger = prov.Ledger(tmp_path / "c.json")
    outcomes = publish(client(github), [student("ada"), student("bob")], ledger, feedback,
                       tmp_path / "submissions")
    assert outcomes["bob"].startswith("no feedback page")
    [comment] = github.repositories[f"{ORG}/tokenization-ada"].comments[1]
    assert comment["body"] == f"{FINAL_MARKER}\n## Tokenization: 90 / 100\n"
    grades = ("identifier,github_username,name,m1_tokenization,raw_total,late_penalty,total,"
              "max_total,days_late,status,commit,commit_time\n"
              "ada@uni.edu,ada,Ada,100,100,10,90,100,1,late,abc,2026-10-16T00:00:00+00:00\n")
    rows = list(csv.reader(io.StringIO(canvas_csv(grades, "Tokenization", "4711"))))
    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                     "Tokenization (4711)"],
                    ["Points Possible", "", "", "", "", "100"],
                    ["Ada", "", "ada@uni.edu", "ada@uni.edu", "", "90"]]


def test_the_command_line(github, tmp_path, monkeypatch, capsys):
    (tmp_path / "roster.csv").write_text("identifier,github_username\nada,ada\nbob,bob\n")
    (tmp_path / "autograder.toml").write_text(
        'roster = "roster.csv"\nrepository = "{org}/tokenization-{github_username}"\n'
        f'org = "{ORG}"\ntemplate_repository = "{TEMPLATE}"\napi_url = "{github.url}"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTOGRADER_WRITE_INTERVAL", "0")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert main(["classroom", "provision"]) == 2
    assert "no token in $GITHUB_TOKEN" in capsys.readouterr().err
    assert main(["classroom", "provision", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would POST /repos/{TEMPLATE}/generate" in out and github.writes() == []
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert main(["classroom", "provision"]) == 0
    assert "2 students: 2 repositories, 0 accepted, 2 invitations pending" in \
        capsys.readouterr().out
    github.accept(f"{ORG}/tokenization-ada", "ada")
    assert main(["classroom", "status"]) == 0
    assert "1 accepted, 1 invitations pending" in capsys.readouterr().out
    assert main(["classroom", "lock"]) == 0
    assert "ada: read-only" in capsys.readouterr().out
    assert main(["classroom", "scopes"]) == 0
    assert "Administration: write" in capsys.readouterr().out
    assert main(["classroom", "grade", "--repository", "x/y", "--sha", "0" * 40,
                 "--course", str(tmp_path)]) == 2
    assert "not the course repository" in capsys.readouterr().err
    assert main(["classroom", "grade", "--repository", "x/y; rm -rf /", "--sha", "main"]) == 2
    assert "OWNER/NAME" in capsys.readouterr().err

"""The one comment on the "Feedback" pull request, against a fake GitHub API on 127.0.0.1."""

from __future__ import annotations

import pytest

from autograder.cli import main
from autograder.github.feedback import GitHubAPI, GitHubError, upsert_feedback_comment
from autograder.github.report import COMMENT_MARKER
from tests.template.fake_github import FakeGitHub

REPO = "course/student-1"


@pytest.fixture
def github():
    with FakeGitHub(REPO, token="t0ken") as fake:
        yield fake


def api(fake: FakeGitHub, token: str = "t0ken") -> GitHubAPI:
    return GitHubAPI(REPO, token, fake.url)


def test_no_feedback_pull_request_posts_nothing(github):
    github.add_pull(3, "Add tokenizer")
    outcome = upsert_feedback_comment(api(github), "## Autograder: 10 / 100")
    assert outcome.action == "no-pull-request"
    assert not [r for r in github.requests if r[0] != "GET"]
    assert "nothing posted" in outcome.describe()


def test_first_push_creates_the_comment_then_later_pushes_edit_it(github):
    for number in range(1, 4):  # more pull requests than one page holds
        github.add_pull(number, f"Work {number}")
    github.add_pull(7, "Feedback", base="feedback")
    first = upsert_feedback_comment(api(github), "## Autograder: 10 / 100")
    assert (first.action, first.pull_request) == ("created", 7)
    second = upsert_feedback_comment(api(github), "## Autograder: 60 / 100")
    third = upsert_feedback_comment(api(github), "## Autograder: 60 / 100")
    assert (second.action, second.comment_id) == ("updated", first.comment_id)
    assert third.action == "unchanged"
    [comment] = github.comments[7]
    assert comment["body"] == f"{COMMENT_MARKER}\n## Autograder: 60 / 100"
    assert [r[0] for r in github.requests if r[0] != "GET"] == ["POST", "PATCH"]


def test_found_among_many_comments_and_duplicates_removed(github):
    github.add_pull(1, "feedback ")  # Classroom's title, however it is spaced or cased
    for i in range(5):
        github.add_comment(1, f"instructor note {i}", user={"login": "prof", "type": "User"})
    ours = github.add_comment(1, f"{COMMENT_MARKER}\nold")
    duplicate = github.add_comment(1, f"{COMMENT_MARKER}\nolder race")
    outcome = upsert_feedback_comment(api(github), "new")
    assert (outcome.action, outcome.comment_id, outcome.removed_duplicates) == ("updated",
                                                                                ours["id"], 1)
    bodies = [c["body"] for c in github.comments[1]]
    assert bodies.count(f"{COMMENT_MARKER}\nnew") == 1 and len(bodies) == 6
    assert duplicate["id"] not in [c["id"] for c in github.comments[1]]


def test_a_students_comment_quoting_the_marker_is_never_touched(github):
    github.add_pull(1, "Feedback")
    student = github.add_comment(1, f"{COMMENT_MARKER}\nI give myself 100/100",
                                 user={"login": "student", "type": "User"})
    outcome = upsert_feedback_comment(api(github), "## Autograder: 5 / 100")
    assert outcome.action == "created"
    assert student in github.comments[1] and "100/100" in student["body"]


def test_pull_request_found_by_its_base_branch(github):
    github.add_pull(4, "Reviews", base="feedback")
    assert upsert_feedback_comment(api(github), "x").pull_request == 4


def test_bad_token_and_refused_writes_are_clear_errors(github):
    github.add_pull(1, "Feedback")
    with pytest.raises(GitHubError) as error:
        upsert_feedback_comment(api(github, token="wrong"), "x")
    assert error.value.status == 401
    github.refuse_writes = True
    with pytest.raises(GitHubError) as error:
        upsert_feedback_comment(api(github), "x")
    assert error.value.status == 403 and "not accessible" in str(error.value)
    with pytest.raises(GitHubError, match="owner/name"):
        GitHubAPI("not a repository", "t", github.url)
    with pytest.raises(GitHubError, match="no token"):
        GitHubAPI(REPO, "", github.url)


def test_comment_command_never_fails_the_run(github, tmp_path, monkeypatch, capsys):
    out = tmp_path / "autograder-results"
    out.mkdir()
    (out / "feedback.md").write_text(f"{COMMENT_MARKER}\n## Autograder: 1 / 2\n")
    github.add_pull(9, "Feedback")
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    assert main(["github", "comment", "--out", str(out)]) == 0
    assert "created the feedback comment" in capsys.readouterr().out
    github.refuse_writes = True
    (out / "feedback.md").write_text(f"{COMMENT_MARKER}\n## Autograder: 2 / 2\n")
    assert main(["github", "comment", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("::warning title=Feedback comment::the feedback comment was not")
    assert "pull-requests: write" in printed
    assert main(["github", "comment", "--out", str(tmp_path / "nowhere")]) == 2
    assert "run `autograder github report` first" in capsys.readouterr().err

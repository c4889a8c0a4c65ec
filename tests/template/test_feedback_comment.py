"""The feedback comments on a student repository, against a fake GitHub API on 127.0.0.1:
the one comment on the "Feedback" pull request, the commit-comment fallback, and the student
workflow's feedback job, which trusts nothing in the score card it is handed."""

from __future__ import annotations

import pytest

import json

from autograder.github import feedback
from autograder.github.feedback import (MARKER as COMMENT_MARKER, GitHubAPI, GitHubError,
                                        ScoreCardError, comment_on_commit, parse_score_card,
                                        upsert_feedback_comment)
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


CARD = {"version": 1, "score": 30.0, "max_score": 200.0,
        "modules": [{"id": "m1_tokenization", "score": 30.0, "max_score": 100.0, "failed": 4},
                    {"id": "m2_embeddings", "score": 0.0, "max_score": 100.0, "failed": 9}],
        "hidden": "not-configured", "isolation_weaker": False, "changed_course_files": 0}


def _card(**changes) -> bytes:
    return json.dumps({**CARD, **changes}).encode()


@pytest.mark.parametrize("changes, message", [
    ({"score": 250.0}, "score is out of range"),
    ({"score": "100"}, "score is not a number"),
    ({"score": True}, "score is not a number"),
    ({"max_score": float("nan")}, "max_score is out of range"),
    ({"modules": []}, "1 to 32 modules"),
    ({"modules": [{**CARD["modules"][0], "id": "## 100 / 100 <img>"}, CARD["modules"][1]]},
     "not a module id"),
    ({"modules": [CARD["modules"][0], CARD["modules"][0]]}, "repeated"),
    ({"modules": [{**CARD["modules"][0], "score": 130.0}, CARD["modules"][1]]}, "out of range"),
    ({"score": 100.0}, "do not add up"),
    ({"hidden": "graded by the course, 100 / 100"}, "hidden is not one of"),
    ({"isolation_weaker": "no"}, "isolation_weaker"),
    ({"changed_course_files": -1}, "not a count"),
    ({"version": 2}, "version 1"),
])
def test_a_forged_or_broken_score_card_is_refused(changes, message):
    with pytest.raises(ScoreCardError, match=message):
        parse_score_card(_card(**changes))
    for raw in (b"\xff", b"[]", b"{" * 10, b" " * (feedback.SCORE_CARD_LIMIT + 1)):
        with pytest.raises(ScoreCardError):
            parse_score_card(raw)


def test_the_comment_shows_only_checked_numbers_and_its_own_words():
    card = parse_score_card(_card(isolation_weaker=True, changed_course_files=2))
    body = feedback.score_comment(card, "https://github.com/course/s1/actions/runs/7",
                                  "0123456789abcdef0123456789abcdef01234567")
    assert body.startswith(COMMENT_MARKER + "\n### Autograder: 30 / 200 points (the public "
                           "tests only)")
    assert "| `m1_tokenization` | 30 / 100 | 4 |" in body
    assert "weaker isolation" in body and "2 file(s)" in body
    assert "[the run's summary](https://github.com/course/s1/actions/runs/7)" in body
    assert "commit `0123456`" in body
    # a link or sha that is not what Actions sets is left out rather than shown
    odd = feedback.score_comment(card, "javascript:alert(1)//actions/runs/7", "<b>")
    assert "javascript" not in odd and "<b>" not in odd
    broken = feedback.score_comment(None, "", "", "score.json is not JSON")
    assert "not graded" in broken and "score.json is not JSON" in broken


def _env(github, tmp_path, **extra) -> dict:
    return {"GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "t0ken",
            "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567", "GITHUB_RUN_ID": "7",
            "GITHUB_SERVER_URL": "https://github.com", "SCORE_CARD_DIR": str(tmp_path),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), **extra}


def test_the_feedback_job_never_fails_the_run(github, tmp_path, capsys):
    (tmp_path / "score.json").write_bytes(_card())
    github.add_pull(9, "Feedback")
    assert feedback.main(_env(github, tmp_path)) == 0
    assert "created the feedback comment" in capsys.readouterr().out
    [comment] = github.comments[9]
    assert "30 / 200 points" in comment["body"]
    assert "30 / 200 points" in (tmp_path / "summary.md").read_text()
    (tmp_path / "score.json").write_bytes(_card(score=999.0))  # a forged card
    assert feedback.main(_env(github, tmp_path)) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("::warning title=Feedback::score is out of range")
    assert "not graded" in github.comments[9][0]["body"]
    github.refuse_writes = True
    (tmp_path / "score.json").write_bytes(_card())
    assert feedback.main(_env(github, tmp_path)) == 0
    printed = capsys.readouterr().out
    assert "::warning title=Feedback comment::the comment was not updated" in printed
    assert "pull-requests: write" in printed


def test_commit_comment_fallback_is_made_once_per_commit(github):
    sha = "89abcdef0123456789abcdef0123456789abcdef"
    first = comment_on_commit(api(github), sha, "## 50 / 100", feedback.COURSE_MARKER)
    again = comment_on_commit(api(github), sha, "## 60 / 100", feedback.COURSE_MARKER)
    assert first.comment_id == again.comment_id
    [comment] = github.commit_comments[sha]
    assert comment["body"] == f"{feedback.COURSE_MARKER}\n## 60 / 100"
    with pytest.raises(GitHubError, match="not a commit sha"):
        comment_on_commit(api(github), "main", "x", feedback.COURSE_MARKER)

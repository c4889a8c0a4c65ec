"""Distribute, snapshot and collect with real git: bare repositories as the students' remotes.

Time is what the course saw, never a commit's date: each test pushes in order and tells
`snapshot`/`collect` what the clock said when they looked (`now=`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.instructor.collect import (COLLECTED, NOTHING_BEFORE, UNREACHABLE, Manifest,
                                           Sighting, collect, snapshot)
from autograder.instructor.distribute import (HAS_WORK, PUSHED, UNREACHABLE as NOT_REACHED,
                                              DistributeError, distribute)
from autograder.instructor.late import LatePolicy
from autograder.instructor.roster import load_roster
from tests.instructor.classroom import (GOOD, STUB, TOY_FILE, WRONG_ADD, Classroom, git,
                                        toy_template)

DEADLINE = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=10)


def before(days: float = 1):
    return DEADLINE - timedelta(days=days)


def late(days: float = 1):
    return DEADLINE + timedelta(days=days)


def at(moment):
    return lambda: moment


@pytest.fixture
def classroom(tmp_path):
    room = Classroom(tmp_path)
    for name in ("ada", "bob", "cid", "dee"):
        room.remote(name)
    room.roster(["ada,ada,1,Ada,", "bob,bob,2,Bob,", "cid,cid,3,Cid,2d", "dee,dee,4,Dee,",
                 "eve,eve,5,Eve,", "broken row"],
                header="identifier,github_username,github_id,name,extension")
    return room


def students(room):
    roster = load_roster(room.root / "roster.csv", pattern="remotes/{github_username}.git")
    assert len(roster.problems) == 1 and "line 7" in str(roster.problems[0])
    return roster.students


def test_distribute_pushes_the_template_once_and_reports_unreachable(classroom, tmp_path):
    template = toy_template(tmp_path / "template")
    classroom.push("dee", GOOD, before(3))            # dee started before the template came
    first = {d.student.key: d.status for d in distribute(students(classroom), template)}
    assert first == {"ada": PUSHED, "bob": PUSHED, "cid": PUSHED, "dee": HAS_WORK,
                     "eve": NOT_REACHED}
    clone = tmp_path / "ada-clone"
    git("clone", "--quiet", str(classroom.remote("ada")), str(clone))
    assert (clone / TOY_FILE).read_text() == STUB
    assert (clone / "README.md").is_file()
    assert git("log", "--format=%s", cwd=clone).strip() == "Starter code"
    again = {d.student.key: d.status for d in distribute(students(classroom), template)}
    assert again == {**{k: HAS_WORK for k in ("ada", "bob", "cid", "dee")}, "eve": NOT_REACHED}
    with pytest.raises(DistributeError, match="must be a folder"):
        distribute(students(classroom), tmp_path / "no-template")


def test_collect_takes_what_was_pushed_by_each_deadline(classroom, tmp_path):
    distribute(students(classroom), toy_template(tmp_path / "template"))
    submissions = tmp_path / "submissions"
    ada = classroom.push("ada", GOOD, before(1))
    bob_on_time = classroom.push("bob", WRONG_ADD, before(0.5))
    snapshot(students(classroom), submissions, now=at(DEADLINE + timedelta(seconds=20)))
    classroom.push("bob", GOOD, late(1))                   # after the deadline
    cid = classroom.push("cid", GOOD, late(1))             # inside cid's 2-day extension
    snapshot(students(classroom), submissions, now=at(late(1.5)))
    entries = {e.student: e for e in collect(students(classroom), submissions, DEADLINE,
                                             LatePolicy.from_config({"grace": "1m"}),
                                             now=at(late(3)))}

    assert entries["ada"].status == COLLECTED and entries["ada"].commit == ada
    assert (submissions / "ada" / TOY_FILE).read_text() == GOOD
    assert entries["bob"].commit == bob_on_time and entries["bob"].later_commits == 1
    assert (submissions / "bob" / TOY_FILE).read_text() == WRONG_ADD
    assert "1 later commit(s) not collected" in entries["bob"].message
    assert entries["cid"].commit == cid
    assert entries["cid"].deadline == (DEADLINE + timedelta(days=2)).isoformat()
    assert (submissions / "dee" / TOY_FILE).read_text() == STUB   # only the template
    assert entries["eve"].status == UNREACHABLE and "eve.git" in entries["eve"].message
    # the time is when the snapshot saw it, not the date written in the commit
    assert entries["ada"].commit_time == (DEADLINE + timedelta(seconds=20)).isoformat()
    assert entries["ada"].time_source.startswith("snapshot of ")
    assert datetime.fromisoformat(entries["ada"].committer_date) == before(1)
    manifest = Manifest.load(submissions)
    assert manifest.entries["bob"].commit == bob_on_time
    ada = manifest.entries["ada"].identity
    assert ada.name == "Ada" and ada.github_id == "1"


def test_a_backdated_commit_pushed_late_is_collected_as_late(classroom, tmp_path):
    distribute(students(classroom), toy_template(tmp_path / "template"))
    submissions = tmp_path / "submissions"
    on_time = classroom.push("bob", WRONG_ADD, before(1))
    snapshot(students(classroom), submissions, now=at(DEADLINE))
    # seven weeks later, a commit dated the day before the deadline
    backdated = classroom.push("bob", GOOD, before(1) + timedelta(hours=1))
    roster = students(classroom)
    entries = {e.student: e for e in collect(roster, submissions, DEADLINE,
                                             now=at(late(49)))}
    assert entries["bob"].commit == on_time and entries["bob"].later_commits == 1
    policy = LatePolicy.from_config({"penalty_per_day": 10})
    entries = {e.student: e for e in collect(roster, submissions, DEADLINE, policy,
                                             now=at(late(49)))}
    bob = entries["bob"]
    assert bob.commit == backdated and bob.commit_time == late(49).isoformat()
    assert "submitted late" in bob.message and "pushed after it" in bob.message
    assert policy.penalty(datetime.fromisoformat(bob.commit_time), DEADLINE).periods == 49
    # GitHub's own push time, when the instructor collects with it, is exact
    pushed = late(3)
    entries = {e.student: e for e in collect(
        roster, submissions, DEADLINE, policy, now=at(late(49)),
        push_times=lambda s: [Sighting(pushed, backdated, "push (GitHub)")] if s.key == "bob"
        else [])}
    assert entries["bob"].commit_time == pushed.isoformat()
    assert entries["bob"].time_source == "push (GitHub)"


def test_a_force_push_after_the_deadline_cannot_take_the_snapshot_away(classroom, tmp_path):
    distribute(students(classroom), toy_template(tmp_path / "template"))
    submissions = tmp_path / "submissions"
    on_time = classroom.push("ada", GOOD, before(1))
    snapshot(students(classroom), submissions, now=at(DEADLINE))
    clone = classroom.work / "ada"
    git("reset", "--quiet", "--hard", "HEAD~1", cwd=clone)
    git("push", "--quiet", "--force", "origin", "HEAD:main", cwd=clone)
    entries = {e.student: e for e in collect(students(classroom), submissions, DEADLINE,
                                             now=at(late(1)))}
    assert entries["ada"].commit == on_time
    assert (submissions / "ada" / TOY_FILE).read_text() == GOOD


def test_a_late_policy_collects_late_work_and_a_fetch_updates_a_clone(classroom, tmp_path):
    distribute(students(classroom), toy_template(tmp_path / "template"))
    submissions = tmp_path / "submissions"
    roster = students(classroom)
    classroom.push("bob", WRONG_ADD, before(0.5))
    snapshot(roster, submissions, now=at(DEADLINE))
    bob_late = classroom.push("bob", GOOD, late(1))
    snapshot(roster, submissions, now=at(late(1)))
    policy = LatePolicy.from_config({"penalty_per_day": 10})
    entries = {e.student: e for e in collect(roster, submissions, DEADLINE, policy,
                                             now=at(late(1.2)))}
    assert entries["bob"].commit == bob_late and "submitted late" in entries["bob"].message
    (submissions / "bob" / "stray.txt").write_text("left behind")

    bob_later = classroom.push("bob", GOOD + "\n# tidied\n", late(2))
    window = LatePolicy.from_config({"penalty_per_day": 10, "accept_until": "36h"})
    entries = {e.student: e for e in collect(roster, submissions, DEADLINE, window,
                                             now=at(late(2)))}
    assert entries["bob"].commit == bob_late                       # the 2-day one is too late
    assert not (submissions / "bob" / "stray.txt").exists()        # a clean checkout
    entries = {e.student: e for e in collect(roster, submissions, DEADLINE, policy,
                                             now=at(late(2)))}
    assert entries["bob"].commit == bob_later


def test_collected_after_the_deadline_without_a_snapshot_is_nothing_not_a_guess(tmp_path):
    room = Classroom(tmp_path)
    room.push("fay", GOOD, before(1))  # dated on time, but nobody saw it pushed in time
    room.roster(["fay,fay,6,Fay"])
    roster = load_roster(room.root / "roster.csv", pattern="remotes/{github_username}.git")
    (entry,) = collect(roster.students, tmp_path / "submissions", DEADLINE, now=at(late(1)))
    assert entry.status == NOTHING_BEFORE and entry.later_commits == 1
    assert "autograder classroom snapshot" in entry.message
    (entry,) = collect(roster.students, tmp_path / "submissions", DEADLINE, now=at(before(1)))
    assert entry.status == COLLECTED  # a collection before the deadline is its own sighting


def test_an_unreachable_repository_keeps_an_earlier_collection(classroom, tmp_path):
    distribute(students(classroom), toy_template(tmp_path / "template"))
    sha = classroom.push("ada", GOOD, before(1))
    submissions = tmp_path / "submissions"
    collect(students(classroom), submissions, DEADLINE, now=at(before(0.5)))
    classroom.remote("ada").rename(tmp_path / "moved.git")
    entries = {e.student: e for e in collect(students(classroom), submissions, DEADLINE,
                                             now=at(before(0.4)))}
    assert entries["ada"].status == COLLECTED and entries["ada"].commit == sha
    assert "unreachable on" in entries["ada"].message

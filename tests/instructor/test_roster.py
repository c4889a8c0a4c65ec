"""Rosters as GitHub Classroom exported them: columns, patterns, extensions, bad rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from autograder.instructor.dates import parse_datetime, parse_duration
from autograder.instructor.roster import RosterError, load_roster, repository_location
from autograder.instructor.shard import Shard

CLASSROOM_HEADER = '"identifier","github_username","github_id","name"'


def write(tmp_path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_classroom_export_with_a_url_pattern(tmp_path):
    path = write(tmp_path, "\ufeff" + CLASSROOM_HEADER + "\n"
                 '"ada@uni.edu","ada-l","101","Ada Lovelace"\n'
                 '"alan@uni.edu","alan-t","102","Alan Turing"\n')
    roster = load_roster(path, pattern="{org}/{assignment}-{github_username}",
                         fields={"org": "llm-2026", "assignment": "tokenization"})
    assert roster.problems == []
    ada, alan = roster.students
    assert ada.key == "ada@uni.edu" and ada.identity.name == "Ada Lovelace"
    assert ada.identity.github_id == "101"
    assert ada.repository == "https://github.com/llm-2026/tokenization-ada-l.git"
    assert alan.repository.endswith("tokenization-alan-t.git")


def test_repository_column_and_aliases(tmp_path):
    path = write(tmp_path, "roster_identifier,GitHub Username,student_repository_url\n"
                 "s1,one,https://git.example.org/c/one.git\n"
                 "s2,two,repos/two.git\n"
                 "s3,three,/srv/git/three.git\n"
                 "s4,four,git@github.com:course/four.git\n")
    roster = load_roster(path)
    urls = {s.key: s.repository for s in roster.students}
    assert urls == {"s1": "https://git.example.org/c/one.git",
                    "s2": str(tmp_path / "repos" / "two.git"),
                    "s3": "/srv/git/three.git", "s4": "git@github.com:course/four.git"}


def test_repository_locations():
    assert repository_location("org/repo") == "https://github.com/org/repo.git"
    assert repository_location("org/repo", host="https://gitlab.com/") == \
        "https://gitlab.com/org/repo.git"
    assert repository_location("github.com/org/repo") == "https://github.com/org/repo.git"


def test_malformed_rows_are_named_once_and_the_rest_still_work(tmp_path):
    path = write(tmp_path, CLASSROOM_HEADER + ",extension,deadline\n"
                 "ada@uni.edu,ada,1,Ada,,\n"
                 "carol@uni.edu,,3,Carol,,\n"            # never accepted the assignment
                 ",,,Nobody,,\n"                         # nothing to identify the student
                 "ada@uni.edu,ada2,4,Ada again,,\n"      # the same identifier twice
                 "bob@uni.edu,bob,5,Bob,2 weeks,\n"      # not a duration
                 "dan@uni.edu,dan,6,Dan,,tomorrow\n"     # not a date
                 "eve@uni.edu,eve,7\n"                   # a short row
                 "\n"
                 "fay@uni.edu,fay,8,Fay,36h,\n")
    roster = load_roster(path, pattern="remotes/{github_username}.git")
    assert [s.key for s in roster.students] == ["ada@uni.edu", "fay@uni.edu"]
    messages = [str(p) for p in roster.problems]
    assert len(messages) == 6
    assert messages[0].startswith("roster.csv, line 3 (carol@uni.edu): the repository pattern "
                                  "needs {github_username}")
    assert "accepted the assignment" in messages[0]
    assert messages[1] == ("roster.csv, line 4 (Nobody): no identifier and no github_username; "
                           "row skipped")
    assert "line 5" in messages[2] and "same student as line 2" in messages[2]
    assert "line 6" in messages[3] and "'2 weeks' is not a duration" in messages[3]
    assert "line 7" in messages[4] and "'tomorrow' is not a date" in messages[4]
    assert "line 8" in messages[5] and "3 fields where the header has 6" in messages[5]
    assert roster.students[1].extension_seconds == 36 * 3600


def test_extensions_and_personal_deadlines(tmp_path):
    path = write(tmp_path, "github_username,repository,extension,deadline\n"
                 "a,r/a.git,,\n"
                 "b,r/b.git,2d,\n"
                 "c,r/c.git,1h,2026-11-01T12:00+00:00\n")
    students = load_roster(path).by_key()
    course = parse_datetime("2026-10-15T23:59:00+02:00")
    assert students["a"].deadline_for(course) == course
    assert students["b"].deadline_for(course) == course + timedelta(days=2)
    assert students["c"].deadline_for(course) == parse_datetime("2026-11-01T13:00+00:00")


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("name,email\nAda,ada@x\n", "no `identifier` or `github_username` column"),
    ("identifier,github_username\nada,ada\n", "no `repository` column"),
])
def test_unusable_rosters_are_one_error(tmp_path, text, message):
    with pytest.raises(RosterError, match=message):
        load_roster(write(tmp_path, text))


def test_a_pattern_needing_an_unset_value_is_one_error(tmp_path):
    path = write(tmp_path, CLASSROOM_HEADER + "\nada,ada,1,Ada\n")
    with pytest.raises(RosterError, match=r"needs a value for \{org\}"):
        load_roster(path, pattern="{org}/{assignment}-{github_username}")
    with pytest.raises(RosterError, match="no such roster"):
        load_roster(tmp_path / "missing.csv")


def test_durations_and_dates():
    assert parse_duration("1d12h") == 36 * 3600
    assert parse_duration("90m") == 5400 and parse_duration("3") == 3 * 86400
    assert parse_duration("") == 0
    with pytest.raises(ValueError):
        parse_duration("soon")
    for no_offset in ("2026-10-15", "2026-10-15 23:59", "2026-10-15T23:59:00"):
        with pytest.raises(ValueError, match="no UTC offset"):
            parse_datetime(no_offset)
    assert parse_datetime("2026-10-15T10:00Z").utcoffset() == timedelta(0)


def test_shards_split_the_class_deterministically():
    keys = [f"student{i}@uni.edu" for i in range(200)]
    shards = [Shard(k, 4) for k in range(1, 5)]
    owners = [[s for s in shards if key in s] for key in keys]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(key in s for key in keys) for s in shards]
    assert min(sizes) > 30  # balanced enough for four machines
    assert [key in Shard.parse("2/4") for key in keys] == [key in shards[1] for key in keys]
    for bad in ("0/4", "5/4", "two", "1/0"):
        with pytest.raises(ValueError, match="K/N"):
            Shard.parse(bad)

"""One identity record, and the files that hold it unchanged: collection.json and the
gradebook's students table read and write exactly what they did before it existed."""

from __future__ import annotations

import json

from autograder.instructor.collect import MANIFEST, Manifest
from autograder.instructor.gradebook import Gradebook, StudentInfo
from autograder.instructor.identity import Identity
from autograder.instructor.submissions import Submission

# A manifest entry as `collect` has written it since version 1: the identity's fields last.
ENTRY = {"student": "ada@uni.edu", "status": "collected", "folder": "ada@uni.edu",
         "repository": "https://github.com/llm-2026/m1-ada.git", "commit": "a" * 40,
         "commit_time": "2026-10-14T12:00:00+00:00", "time_source": "this collection",
         "committer_date": "2026-10-14T11:00:00+00:00",
         "deadline": "2026-10-15T12:00:00+00:00", "later_commits": 0, "message": "",
         "collected_at": "2026-10-16T09:00:00+00:00", "identifier": "ada@uni.edu",
         "github_username": "ada", "github_id": "101", "name": "Ada Lovelace"}


def test_identity_fields_key_and_display():
    ada = Identity(identifier="ada@uni.edu", github_username="ada", name="Ada")
    assert ada.key == "ada@uni.edu" and Identity(github_username="ada").key == "ada"
    assert ada.display("k") == "Ada" and Identity(github_username="bo").display("k") == "bo"
    assert Identity().display("k") == "k"
    assert list(ada.as_dict()) == ["identifier", "github_username", "github_id", "name"]
    assert Identity.from_dict({**ada.as_dict(), "other": "x"}) == ada
    assert Identity.from_row(["ada@uni.edu", None, "", None]) == Identity("ada@uni.edu")
    assert ada.filled_from(Identity("x", "y", "101", "z")) == Identity("ada@uni.edu", "ada",
                                                                        "101", "Ada")


def test_a_manifest_is_written_back_byte_for_byte(tmp_path):
    text = json.dumps({"version": 1, "deadline": ENTRY["deadline"],
                       "students": {ENTRY["student"]: ENTRY}}, indent=1) + "\n"
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    manifest = Manifest.load(tmp_path)
    entry = manifest.entries["ada@uni.edu"]
    assert entry.identity == Identity("ada@uni.edu", "ada", "101", "Ada Lovelace")
    manifest.save()
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == text


def test_a_manifest_without_identity_fields_still_loads(tmp_path):
    older = {k: v for k, v in ENTRY.items()
             if k not in ("identifier", "github_username", "github_id", "name")}
    (tmp_path / MANIFEST).write_text(json.dumps({"students": {"ada": older}}))
    assert Manifest.load(tmp_path).entries["ada"].identity == Identity()


def test_the_gradebook_keeps_what_it_knows_when_a_source_says_less(tmp_path):
    ada = Identity("ada@uni.edu", "ada", "101", "Ada Lovelace")
    with Gradebook(tmp_path / "gradebook.db") as book:
        book.record_submissions([Submission("ada@uni.edu", "collected", identity=ada,
                                            repository="/git/ada.git")])
        book.record_submissions([Submission("ada@uni.edu", "collected",
                                            identity=Identity(name="Ada L."))])
        row = book.db.execute("SELECT * FROM students").fetchone()
        assert row == ("ada@uni.edu", "ada@uni.edu", "ada", "101", "Ada L.", "/git/ada.git")
        assert book.students() == {"ada@uni.edu": StudentInfo(
            "ada@uni.edu", Identity("ada@uni.edu", "ada", "101", "Ada L."), "/git/ada.git")}
        assert book.submissions()["ada@uni.edu"].identity.name == "Ada L."

"""Who a student is: the fields the roster gives and every later record carries along.

The roster (`roster.py`), the collection manifest (`collect.py`), the submissions found for
grading (`submissions.py`) and the gradebook (`gradebook.py`) each hold one `Identity`, and
this module is the one place that turns it into the names those files use — JSON keys of
`collection.json`, columns of the gradebook's `students` table, columns of the CSV exports —
and back. The field names are those of GitHub Classroom's roster export; files written before
a field existed still load (a missing field is empty).

    who = Identity(identifier="ada@uni.edu", github_username="ada", name="Ada Lovelace")
    who.key                       # "ada@uni.edu": the identifier, or the username without one
    who.as_dict()                 # {"identifier": …, "github_username": …, "github_id": …, "name": …}
    Identity.from_dict(entry)     # from a manifest entry or any mapping; other keys ignored
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields, replace
from typing import Iterable, Mapping

FIELDS = ("identifier", "github_username", "github_id", "name")


@dataclass(frozen=True)
class Identity:
    identifier: str = ""        # the roster identifier (often an e-mail address)
    github_username: str = ""
    github_id: str = ""
    name: str = ""

    @property
    def key(self) -> str:
        """What a student is known by: the roster identifier, or the GitHub username."""
        return self.identifier or self.github_username

    def display(self, key: str) -> str:
        """A name for people to read: the student's name, their username, or `key`."""
        return self.name or self.github_username or key

    def as_dict(self) -> dict[str, str]:
        """The fields by name, in the order every file writes them."""
        return dict(zip(FIELDS, astuple(self)))

    def row(self) -> tuple[str, ...]:
        """The fields as columns, in the order of `FIELDS`."""
        return astuple(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "Identity":
        """The fields named in `data` (a missing or null one is empty); other keys are ignored."""
        return cls(*(str(data.get(name) or "") for name in FIELDS))

    @classmethod
    def from_row(cls, values: Iterable[object]) -> "Identity":
        """From columns in the order of `FIELDS` (a NULL column is empty)."""
        return cls.from_dict(dict(zip(FIELDS, values)))

    def filled_from(self, other: "Identity") -> "Identity":
        """This identity with every empty field taken from `other`."""
        return replace(self, **{f.name: getattr(other, f.name) for f in fields(self)
                                if not getattr(self, f.name)})

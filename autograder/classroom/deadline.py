"""At the deadline: what was pushed when, and read-only access from the cutoff.

- `push_sightings`: the pushes GitHub recorded for a branch (`GET /repos/{…}/activity`,
  `activity_type=push`), each with GitHub's own timestamp and the commit it left at the tip.
  The student cannot set these times (unlike a commit's date); `collect --push-times` uses
  them beside the snapshots. GitHub keeps this list for a limited time (about 90 days).
- `lock` / `unlock`: the student's access becomes read (`pull`) at the cutoff and write
  (`push`) again after, with `PUT /repos/{…}/collaborators/{login}` (which changes an existing
  collaborator's permission) and `PATCH /repos/{…}/invitations/{id}` for an invitation not
  yet accepted. The repository is not archived: archiving would also stop the course's own
  feedback from being posted there.

The snapshot itself is `autograder.instructor.collect.snapshot` (plain git, any host).
"""

from __future__ import annotations

from typing import Iterable

from autograder.classroom.api import ApiError, GitHub, full_name
from autograder.classroom.provision import ACCEPTED, Ledger
from autograder.instructor.collect import Sighting
from autograder.instructor.dates import parse_datetime
from autograder.instructor.roster import Student


def push_sightings(api: GitHub, student: Student, branch: str | None = None) -> list[Sighting]:
    """Every push GitHub recorded on the branch (default: main), as sightings."""
    repository = full_name(student.repository)
    ref = f"refs/heads/{branch or 'main'}"
    found = []
    for item in api.paginate(f"/repos/{repository}/activity?ref={ref}&activity_type=push"):
        after, stamp = item.get("after"), item.get("timestamp")
        if isinstance(after, str) and len(after) == 40 and isinstance(stamp, str):
            try:
                found.append(Sighting(parse_datetime(stamp), after, f"push at {stamp} (GitHub)"))
            except ValueError:
                continue
    return found


def set_access(api: GitHub, students: Iterable[Student], ledger: Ledger, locked: bool) -> dict:
    """Read-only (locked) or write access for every student; returns key -> outcome."""
    permission = "pull" if locked else "push"
    outcomes = {}
    for student in students:
        state = ledger.state(student.key)
        repository = state.repository or full_name(student.repository)
        login = student.identity.github_username
        try:
            if not login:
                raise ValueError("no github_username in the roster")
            if state.invitation == ACCEPTED or api.exists(
                    f"/repos/{repository}/collaborators/{login}"):
                api.put(f"/repos/{repository}/collaborators/{login}",
                        {"permission": permission})
            else:
                for invitation in api.paginate(f"/repos/{repository}/invitations"):
                    if ((invitation.get("invitee") or {}).get("login") or "").lower() \
                            == login.lower():
                        api.patch(f"/repos/{repository}/invitations/{invitation['id']}",
                                  {"permissions": "read" if locked else "write"})
            state.locked = locked
            outcomes[student.key] = "read-only" if locked else "write"
        except (ApiError, ValueError) as error:
            state.problem = str(error)
            outcomes[student.key] = f"failed: {error}"
        ledger.save()
    return outcomes

"""Instructor tools: a whole class from roster to report (see docs/instructors.md).

    roster.py        the class list: columns, repository URLs, extensions, malformed rows
    identity.py      who a student is (identifier, GitHub username and id, name), as every
                     record holds it and every file writes it
    distribute.py    the starter code pushed to every student's repository
    collect.py       every repository checked out at the student's deadline
    submissions.py   what there is to grade, with fingerprints
    grade_all.py     grading in worker processes, resumably, into the gradebook
    gradebook.py     the SQLite gradebook;  merge.py  combining the shards' gradebooks
    shard.py         a deterministic share of the class per machine
    late.py          the late policy;  standings.py  raw score, penalty, total per student
    exports.py       LMS CSV, feedback (Markdown, HTML), Gradescope results.json
    similarity.py    pairs of unusually alike submissions
    report.py        the HTML report with plots
    config.py        autograder.toml;  dates.py  deadlines and durations
    git.py           git without prompts;  console.py, progress.py  the commands' output
"""

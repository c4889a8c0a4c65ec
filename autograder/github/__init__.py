"""Grading in a student's GitHub repository: what the workflow of the student template runs.

    grade       autograder.github.grading      grade exercises/ (with the hidden tests when fetched)
    locations   autograder.github.locations    a student function's file and line, found with `ast`
    report      autograder.github.report       job summary, `::error` annotations, Classroom result
    feedback    autograder.github.feedback     the one comment on the "Feedback" pull request
    protected   autograder.github.protected    template-owned files the repository changed
    actions     autograder.github.actions      GitHub Actions' files and workflow commands

The commands live in `autograder/commands/github.py` (`autograder github grade|report|comment`);
docs/student-repositories.md explains the set-up and the trust model.
"""

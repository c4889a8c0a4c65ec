"""The course's replacement for the retired GitHub Classroom app, on GitHub's REST API.

    api          autograder.classroom.api          the REST client: pagination, rate limits, dry run
    provision    autograder.classroom.provision    repositories from the template, invitations,
                                                   the Feedback pull request, acceptance
    starter      autograder.classroom.starter      starter-code updates as pull requests
    deadline     autograder.classroom.deadline     snapshot of every branch tip, lock and unlock
    service      autograder.classroom.service      the course's grading service: hidden tests on
                                                   course-controlled compute, posted back
    publish      autograder.classroom.publish      grades back to each repository, CSV and LMS files

`autograder classroom …` (autograder/commands/classroom.py) drives them; docs/instructors.md
walks through a term, and its table lists the token permissions each command needs.
"""

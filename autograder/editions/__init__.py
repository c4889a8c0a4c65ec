"""Editions of the course for other platforms, generated from the same source (the
`autograder export` command writes them).

    autograder export gradescope   an autograder zip that runs this engine on Gradescope
    autograder export otter        per-module otter-assign master notebooks
    autograder export nbgrader     an nbgrader course directory

`solutions/` (with its solution regions), the public tests and the hidden suites are the only
source: nothing here is written by hand for one platform. The notebook editions share
`notebook.py` (a module's files as notebook cells) and `notebook_tests.py` (pytest tests as
self-contained notebook tests, checked against the reference and the stubs).
"""

"""`autograder report`: a gradebook as an HTML page with plots.

    autograder report [GRADEBOOK] [--output report.html]

Score histograms per module, pass rate per test (hardest first), time per submission, late
submissions, and the pairs `autograder gradebook similarity` flagged.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import console, handles_errors
from autograder.instructor.gradebook import Gradebook


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help="statistics and plots from a gradebook",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("gradebook", nargs="?", type=Path, default=None,
                        help="the gradebook (default: gradebook.db)")
    add_config_option(parser)
    parser.add_argument("--output", type=Path, default=Path("report.html"),
                        help="the HTML file to write (default: report.html)")
    parser.add_argument("--title", default="Grading report", help="the page's title")
    parser.set_defaults(handler=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    from autograder.atomic_write import write_atomically
    from autograder.instructor.report import render

    settings = load_settings(args)
    with Gradebook(settings.gradebook, create=False) as gradebook:
        page = render(gradebook, settings.late, title=args.title)
    write_atomically(args.output, page)
    console().print(f"wrote {args.output}")
    return 0

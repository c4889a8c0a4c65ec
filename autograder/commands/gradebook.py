"""`autograder gradebook`: look at, combine and export a gradebook.

    autograder gradebook show [--student KEY]             scores, late penalties, totals
    autograder gradebook merge shard-*.db --into gradebook.db
    autograder gradebook export [--to exports/]           grades.csv, feedback/, gradescope/
    autograder gradebook similarity [--threshold 0.5]     pairs of alike submissions
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from autograder.instructor.config import add_config_option, load_settings
from autograder.instructor.console import UsageError, console, handles_errors, warn
from autograder.instructor.gradebook import Gradebook, SimilarPair
from autograder.instructor.standings import standings
from autograder import course


def register(subparsers) -> None:
    parser = subparsers.add_parser("gradebook", help="show, merge, export a gradebook; "
                                                     "find similar submissions",
                                   description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True)

    show = actions.add_parser("show", help="scores, late penalties and totals per student")
    _common(show)
    show.add_argument("--student", metavar="KEY", help="every test of one student")
    show.set_defaults(handler=show_command)

    merge = actions.add_parser("merge", help="combine gradebooks (e.g. the shards of a run)")
    merge.add_argument("inputs", nargs="+", type=Path, help="gradebooks to combine")
    merge.add_argument("--into", type=Path, required=True,
                       help="the combined gradebook (created, or added to)")
    merge.set_defaults(handler=merge_command)

    export = actions.add_parser("export", help="LMS CSV, feedback files, Gradescope JSON")
    _common(export)
    export.add_argument("--to", type=Path, default=Path("exports"),
                        help="folder for all three exports (default: exports/)")
    export.add_argument("--lms", type=Path, help="only the LMS CSV, to this file")
    export.add_argument("--feedback", type=Path, help="only the feedback files, to this folder")
    export.add_argument("--gradescope", type=Path,
                        help="only Gradescope's results.json files, to this folder")
    export.set_defaults(handler=export_command)

    similar = actions.add_parser("similarity", help="pairs of submissions whose code is "
                                                    "unusually alike")
    _common(similar)
    similar.add_argument("--template", type=Path,
                         help="the starter code whose lines do not count (default: `template` "
                              "in autograder.toml, else the course's exercises/)")
    similar.add_argument("--threshold", type=float, default=0.5,
                         help="flag pairs at least this alike, 0–1 (default: 0.5)")
    similar.set_defaults(handler=similarity_command)


def _common(parser: argparse.ArgumentParser) -> None:
    add_config_option(parser)
    parser.add_argument("--gradebook", type=Path, help="the gradebook (default: gradebook.db)")
    parser.add_argument("--module", action="append", dest="modules", choices=course.module_ids(),
                        help="only this module (repeatable)")


def _modules(args: argparse.Namespace) -> list[str] | None:
    return args.modules or None


@handles_errors
def show_command(args: argparse.Namespace) -> int:
    from rich.table import Table

    settings = load_settings(args)
    out = console()
    with Gradebook(settings.gradebook, create=False) as gradebook:
        rows = standings(gradebook, settings.late, _modules(args))
        if args.student:
            return _show_student(out, gradebook, args.student)
        table = Table(title=f"{gradebook.path} — {len(rows)} students")
        table.add_column("student")
        modules = list(rows[0].scores) if rows else []
        for module in modules:
            table.add_column(module.split("_")[0], justify="right")
        for column in ("raw", "late", "total", "status"):
            table.add_column(column, justify="right" if column != "status" else "left")
        for row in rows:
            scores = [f"{row.scores[m]:g}" if row.scores[m] is not None else "–"
                      for m in modules]
            late = f"−{row.penalty_points:g} ({row.penalty.percent:g}%)" if row.penalty.late \
                else ""
            status = row.submission.status if not row.submission.gradable else (
                "complete" if row.complete else "not fully graded")
            table.add_row(row.student, *scores, f"{row.raw:g}", late, f"{row.final:g}",
                          status)
        out.print(table)
        finals = [r.final for r in rows if r.submission.gradable and r.complete]
        if finals:
            out.print(f"mean {statistics.fmean(finals):.1f}, median "
                      f"{statistics.median(finals):g} of {max(r.max_score for r in rows):g}; "
                      f"late policy: {settings.late.describe()}")
    return 0


def _show_student(out, gradebook: Gradebook, student: str) -> int:
    from autograder.formats.text import render

    if student not in gradebook.submissions():
        raise UsageError(f"no student {student!r} in {gradebook.path}")
    out.print(render(gradebook.result(student)), markup=False)
    return 0


@handles_errors
def merge_command(args: argparse.Namespace) -> int:
    from autograder.instructor.merge import merge

    missing = [p for p in args.inputs if not p.is_file()]
    if missing:
        raise UsageError(f"no such gradebook: {missing[0]}")
    with Gradebook(args.into) as output:
        summary = merge(output, args.inputs)
        students = len(output.submissions())
    for student, module in summary.conflicts:
        warn(f"{student} {module}: graded differently in two inputs; kept the most recent")
    if summary.missing_shards:
        warn(f"shards {', '.join(summary.missing_shards)} are in none of the inputs")
    console().print(f"merged {summary.inputs} gradebooks into {args.into}: "
                    f"{students} students, {summary.grades_taken} grades taken")
    return 0


@handles_errors
def export_command(args: argparse.Namespace) -> int:
    from autograder.instructor.exports import export

    settings = load_settings(args)
    chosen = [args.lms, args.feedback, args.gradescope]
    if not any(chosen):
        chosen = [args.to / "grades.csv", args.to / "feedback", args.to / "gradescope"]
    with Gradebook(settings.gradebook, create=False) as gradebook:
        summary = export(gradebook, settings.late, *chosen, modules=_modules(args))
    written = []
    if summary.lms:
        written.append(f"the LMS CSV {summary.lms}")
    if summary.feedback:
        written.append(f"feedback for {summary.feedback} students in {chosen[1]}")
    if summary.gradescope:
        written.append(f"{summary.gradescope} Gradescope results in {chosen[2]}")
    console().print("wrote " + (", ".join(written) if written else "nothing (no students)"))
    return 0


@handles_errors
def similarity_command(args: argparse.Namespace) -> int:
    from rich.table import Table

    from autograder.instructor import similarity
    from autograder.course import EXERCISES

    settings = load_settings(args)
    if not 0 < args.threshold <= 1:
        raise UsageError("--threshold is between 0 and 1")
    template = args.template or settings.template or EXERCISES
    if not Path(template).is_dir():
        raise UsageError(f"no such template folder: {template}")
    modules = _modules(args)
    with Gradebook(settings.gradebook, create=False) as gradebook:
        submissions = [s for s in gradebook.submissions().values()
                       if s.gradable and Path(s.path).is_dir()]
        absent = [s.student for s in gradebook.submissions().values()
                  if s.gradable and not Path(s.path).is_dir()]
        if absent:
            warn(f"{len(absent)} submission folders are not on this machine "
                 f"(e.g. {absent[0]}); they are left out")
        prints = [similarity.code_print(s.student, Path(s.path), modules) for s in submissions]
        pairs, scores = similarity.compare(prints, similarity.template_grams(template, modules),
                                           threshold=args.threshold)
        gradebook.record_similarity(SimilarPair(p.a, p.b, p.score, p.shared,
                                                json.dumps(p.functions)) for p in pairs)
    out = console()
    typical = f"; a typical pair is {statistics.median(scores):.0%} alike" if scores else ""
    out.print(f"compared {len(prints)} submissions{typical}; {len(pairs)} pairs flagged "
              "(stored for `autograder report`)")
    if pairs:
        table = Table(title="Unusually alike — read them side by side; this is not a verdict")
        for column in ("student", "student", "similarity", "most alike functions"):
            table.add_column(column)
        for pair in pairs:
            table.add_row(pair.a, pair.b, f"{pair.score:.0%}",
                          ", ".join(f"{n} ({s:.0%})" for n, s in pair.functions[:3]))
        out.print(table)
    return 0

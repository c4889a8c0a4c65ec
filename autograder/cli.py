"""The `autograder` command.

    autograder grade [SUBMISSION] [--module ID ...] [--format text|json|markdown|classroom|junit]
                                  [--output FILE] [--public-only] [--jobs N]
    autograder hint TEST [--submission FOLDER]
    autograder release [--check]

`grade` exits 0 whenever grading finished, whatever the score; 2 with one clear message when
it could not grade (a bad path or option). Without SUBMISSION it grades `exercises/` in the
current folder (a student repository, or this one); the reference is graded only when asked
for by name (`autograder grade solutions`). Each grade of a submission is kept in its
`.autograder/last-grade.json`, which `autograder hint TEST` reads: it prints the deeper hint of
a test of that grade and records that it was asked for (reports count the deeper hints used). Further commands live one per module in
`autograder/commands/` (a module there defines `register(subparsers)`, which adds its parser
and sets `handler=` to a function taking the parsed arguments and returning the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

from autograder import course
from autograder.atomic_write import write_atomically
from autograder.formats import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade one submission")
    grade.add_argument("submission", nargs="?", default=None,
                       help="a folder laid out like exercises/ (or a repository holding "
                            "exercises/); default: exercises/ in the current folder "
                            "(the reference: `solutions`)")
    grade.add_argument("--module", action="append", choices=course.module_ids(), dest="modules",
                       help="grade only this module (repeatable)")
    grade.add_argument("--format", default="text", choices=list(FORMATS))
    grade.add_argument("--output", type=Path, help="write the report here instead of stdout")
    grade.add_argument("--public-only", action="store_true",
                       help="run only the public tests (what students see)")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="modules graded in parallel (default: the number of cores)")

    hint = commands.add_parser("hint", help="the deeper hint of a test of your last grade")
    hint.add_argument("test", help="the id a failing row shows, e.g. m1_tokenization/bpe:merge_pair")
    hint.add_argument("--submission", type=Path, default=None,
                      help="the folder that was graded (default: exercises/ here)")

    release = commands.add_parser("release", help="regenerate exercises/ from solutions/")
    release.add_argument("--check", action="store_true",
                         help="only report whether exercises/ is out of date (exit 1 if so)")
    release.add_argument("--to", type=Path, dest="template_to",
                         help="write the student template repository into this folder")

    import autograder.commands

    for info in sorted(pkgutil.iter_modules(autograder.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"autograder.commands.{info.name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "grade":
            return _grade(args)
        if args.command == "hint":
            return _hint(args)
        if args.command == "release":
            return _release(args)
        return args.handler(args)
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130
    return 2


def _grade(args: argparse.Namespace) -> int:
    from autograder.formats import render
    from autograder.hints import keep_last_grade
    from autograder.runner import GradingError, default_submission, grade

    if args.jobs < 1:
        return _fail("--jobs must be at least 1")
    try:
        submission = args.submission or default_submission(Path.cwd())
        with _progress() as on_record:
            result = grade(submission, modules=args.modules, public_only=args.public_only,
                           jobs=args.jobs, on_record=on_record)
    except GradingError as error:
        return _fail(str(error))
    note = keep_last_grade(result)
    if note:
        print(f"autograder: {note}", file=sys.stderr)
    report = render(result, args.format)
    if args.output is None:
        sys.stdout.write(report)
    else:
        try:
            write_atomically(args.output, report)
        except OSError as error:
            return _fail(f"cannot write {args.output}: {error.strerror}")
    return 0


def _hint(args: argparse.Namespace) -> int:
    from autograder.hints import HintError, deeper_hint
    from autograder.runner import GradingError, default_submission, resolve_submission

    try:
        folder = resolve_submission(args.submission) if args.submission \
            else resolve_submission(default_submission(Path.cwd()))
        text = deeper_hint(folder, args.test)
    except (GradingError, HintError) as error:
        return _fail(str(error))
    print(text)
    return 0


def _release(args: argparse.Namespace) -> int:
    from autograder.release import EXERCISES, stale_files, write_exercises

    if args.template_to is not None:
        from autograder.template import TemplateError, write_template

        try:
            written = write_template(args.template_to)
        except TemplateError as error:
            return _fail(str(error))
        print(f"wrote the student template ({len(written)} files) to {args.template_to}")
        return 0
    if args.check:
        stale = stale_files()
        if stale:
            print(f"exercises/ is out of date in {len(stale)} file(s); run `autograder release`:",
                  *stale, sep="\n  ")
            return 1
        print("exercises/ is up to date")
        return 0
    written = write_exercises()
    print(f"wrote {len(written)} files to {EXERCISES}")
    return 0


class _progress:
    """A progress line on stderr while tests finish (only on a terminal)."""

    def __enter__(self):
        self._bar = None
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                             TimeElapsedColumn(), transient=True, console=_stderr_console())
        self._bar.start()
        self._task = self._bar.add_task("grading…", total=None)
        self._counts = {"passed": 0, "failed": 0}
        return self._advance

    def _advance(self, record) -> None:
        self._counts["passed" if record.passed else "failed"] += 1
        self._bar.update(self._task, description=(
            f"grading {record.module}: {self._counts['passed']} passed, "
            f"{self._counts['failed']} failed"))

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def _stderr_console():
    from rich.console import Console

    return Console(file=sys.stderr)


def _fail(message: str) -> int:
    print(f"autograder: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""`autograder export`: the course for another platform, generated from the same source.

    autograder export gradescope [--module ID ...] [--output FILE] [--check]
    autograder export otter      [--module ID ...] [--output DIR] [--select FILE ...] [--assign]
    autograder export nbgrader   [--module ID ...] [--output DIR] [--select FILE ...]

Without --module every module whose solutions exist is exported. --select keeps only the named
test files (public and hidden alike), as `grade`'s Python API does. Nothing is written by hand:
run the command again after changing solutions/ or a suite; `--check` exits 1 when an edition
at --output differs from a fresh export (for courses that commit their editions). See
docs/platforms.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from autograder import course
from autograder.course import REPO_ROOT, SOLUTIONS



@dataclass(frozen=True)
class Edition:
    """One platform's edition of the course: what it is, where it goes by default, and the
    function that writes it: write(args, modules, output, quiet) -> exit status."""

    description: str
    default_output: Path
    write: Callable[[argparse.Namespace, list[str], Path, bool], int]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="the course for Gradescope, otter-grader or nbgrader",
        description=__doc__.split("\n\n")[0])
    platforms = parser.add_subparsers(dest="platform", required=True)
    for platform, edition in EDITIONS.items():
        text = edition.description
        sub = platforms.add_parser(platform, help=text, description=text)
        sub.add_argument("--module", action="append", choices=course.module_ids(), dest="modules",
                         help="export only this module (repeatable; default: all written ones)")
        sub.add_argument("--output", type=Path,
                         help=f"where to write (default: {edition.default_output})")
        sub.add_argument("--check", action="store_true",
                         help="write nothing; exit 1 if the edition at --output is stale")
        if platform != "gradescope":
            sub.add_argument("--select", action="append", metavar="FILE",
                             help="only tests from this test file, e.g. test_bpe.py "
                                  "(repeatable)")
            sub.add_argument("--left-out", action="store_true",
                             help="list every test left out of the edition, with the reason")
        if platform == "otter":
            sub.add_argument("--assign", action="store_true",
                             help="then run `otter assign` on each master notebook "
                                  "(writes <module>/dist/student and .../autograder)")
        sub.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    modules = args.modules or [m for m in course.module_ids() if (SOLUTIONS / m).is_dir()]
    output = args.output or (REPO_ROOT / EDITIONS[args.platform].default_output)
    if getattr(args, "assign", False) and args.check:
        print("autograder export: --check writes nothing, so it cannot --assign", file=sys.stderr)
        return 2
    try:
        if not args.check:
            return _export(args, modules, output)
        with tempfile.TemporaryDirectory(prefix="export-check-") as tmp:
            fresh = Path(tmp) / output.name
            _export(args, modules, fresh, quiet=True)
            stale = stale_files(fresh, output, args.platform)
        if stale:
            print(f"{output} is out of date in {len(stale)} file(s); run `autograder export "
                  f"{args.platform}`:", *stale[:40], sep="\n  ")
            return 1
        print(f"{output} is up to date")
        return 0
    except (ValueError, OSError) as error:
        print(f"autograder export: {error}", file=sys.stderr)
        return 2


def _export(args: argparse.Namespace, modules: list[str], output: Path,
            quiet: bool = False) -> int:
    return EDITIONS[args.platform].write(args, modules, output, quiet)


def stale_files(fresh: Path, existing: Path, platform: str) -> list[str]:
    """What differs between a fresh export and an existing one (generated files only: an
    nbgrader course's release/, submitted/ and gradebook are the instructor's)."""
    from autograder.release import _differences

    if platform == "gradescope":
        return _zip_differences(fresh, existing)
    if platform == "nbgrader":
        stale = _differences(fresh / "source", existing / "source")
        config = existing / "nbgrader_config.py"
        if not config.exists() or config.read_bytes() != (fresh / "nbgrader_config.py").read_bytes():
            stale.insert(0, "nbgrader_config.py")
        return stale
    return [str(Path(p)) for p in _differences(fresh, existing)
            if "dist" not in Path(p).parts]


def _zip_differences(fresh: Path, existing: Path) -> list[str]:
    import zipfile

    def entries(path: Path) -> dict[str, bytes]:
        if not path.is_file():
            return {}
        with zipfile.ZipFile(path) as archive:
            return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}

    new, old = entries(fresh), entries(existing)
    if not old:
        return [str(existing)]
    return sorted(n for n in new.keys() | old.keys() if new.get(n) != old.get(n))


def _gradescope(args: argparse.Namespace, modules: list[str], output: Path,
                quiet: bool = False) -> int:
    from autograder.editions.gradescope import build_zip

    path = build_zip(output, modules)
    if not quiet:
        print(f"wrote {path} (modules: {', '.join(modules)})")
        print("Upload it as the assignment's autograder (Configure Autograder > Zip file upload).")
    return 0


def _notebooks(args: argparse.Namespace, modules: list[str], output: Path,
               quiet: bool = False) -> int:
    from autograder.editions.notebook import ExportError, load_module
    from autograder.editions.notebook_tests import select_tests

    exported = []
    with _progress(len(modules)) as advance:
        for module in modules:
            advance(f"checking {module}'s tests on the reference and the stubs")
            try:
                source = load_module(module)
                selection = select_tests(source, select=args.select)
            except ExportError as error:
                if args.modules:
                    raise ValueError(str(error)) from None
                print(f"autograder export: skipped {module}: {error}", file=sys.stderr)
                continue
            if not selection.tests:
                message = f"no test of {module} can run in a notebook"
                if args.modules:
                    raise ValueError(message)
                print(f"autograder export: skipped {module}: {message}", file=sys.stderr)
                continue
            exported.append((source, selection))
    if not exported:
        raise ValueError("nothing to export")
    if args.platform == "otter":
        written = _write_otter(exported, output, args.assign)
    else:
        written = _write_nbgrader(exported, output)
    if quiet:
        return 0
    _summary(exported, args.left_out)
    print(f"wrote {len(written)} files to {output}")
    if args.platform == "nbgrader":
        print(f"next: cd {output} && nbgrader generate_assignment {exported[0][0].module}")
    elif not args.assign:
        first = exported[0][0].module
        print(f"next: cd {output / first} && otter assign {first}.ipynb dist")
    return 0


def _write_otter(exported: list, output: Path, assign: bool) -> list[Path]:
    from autograder.editions.otter import run_assign, write_module

    written = []
    for source, selection in exported:
        folder = output / source.module
        written += write_module(source, selection, folder)
        if assign:
            run_assign(folder / f"{source.module}.ipynb", folder / "dist")
    return written


def _write_nbgrader(exported: list, output: Path) -> list[Path]:
    from autograder.editions.nbgrader import write_course

    return write_course(exported, output)


# platform -> its edition: `autograder export PLATFORM` offers exactly these
EDITIONS: dict[str, Edition] = {
    "gradescope": Edition("an autograder zip that runs this engine",
                          Path("dist") / "gradescope" / "autograder.zip", _gradescope),
    "otter": Edition("otter-assign master notebooks, one per module", Path("dist") / "otter",
                     _notebooks),
    "nbgrader": Edition("an nbgrader course directory", Path("dist") / "nbgrader", _notebooks),
}


def _summary(exported: list, left_out: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Tests in the edition", caption="each passes on the reference and "
                                                       "fails on the stubs, run as a notebook")
    for column in ("module", "exercises", "public", "hidden", "points", "left out"):
        table.add_column(column, justify="left" if column == "module" else "right")
    for source, selection in exported:
        exercises = {n for c in source.chunks for n in c.exercises}
        public = sum(not t.hidden for t in selection.tests)
        table.add_row(source.module, str(len(exercises)), str(public),
                      str(len(selection.tests) - public), f"{selection.points:g}",
                      str(len(selection.left_out)))
    console = Console()
    console.print(table)
    if left_out:
        for source, selection in exported:
            for item in selection.left_out:
                console.print(f"[dim]{item.origin}[/dim]: {item.reason}", highlight=False)


class _progress:
    """One line per module on a terminal while the tests are checked."""

    def __init__(self, total: int):
        self.total = total

    def __enter__(self):
        self._bar = None
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TimeElapsedColumn(), transient=True,
                                 console=Console(file=sys.stderr))
            self._bar.start()
            self._task = self._bar.add_task("exporting", total=self.total)
        self._started = False
        return self._advance

    def _advance(self, description: str) -> None:
        if self._bar is not None:
            if self._started:
                self._bar.advance(self._task)
            self._bar.update(self._task, description=description)
        self._started = True

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

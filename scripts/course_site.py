"""Build the course site (MkDocs Material) from course/ and the exercises.

    .venv/bin/python scripts/course_site.py build          # -> build/course-site/site/index.html
    .venv/bin/python scripts/course_site.py serve          # build, then serve on http://127.0.0.1:8000

The lessons are written for GitHub first: GitHub's callouts (`> [!TIP]`) for concept cards and
relative links to the exercise files. The build stages a copy in build/course-site/docs where

- concept cards become Material admonitions titled with the card's name,
- a link to an exercise function (`../exercises/m1_tokenization/bpe.py#merge_pair`) points at
  a generated page of that file's exercises (signature, docstring, the lesson it belongs to),
  made from solutions/ with the solution regions stripped, exactly as `autograder release`
  writes exercises/,
- notebooks (jupytext text files) are built to .ipynb for download,
- the tokenizer playground is copied with GPT-2's files as a script, so it tokenizes in the
  browser with no server (the `autograder playground` server adds the other tokenizers),

and then runs `mkdocs build --strict`: a broken link or anchor fails the build.
"""

from __future__ import annotations

import argparse
import ast
import functools
import http.server
import logging
import os
import posixpath
import re
import shutil
import sys
import tomllib
from pathlib import Path

from autograder.course import module_ids

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
SOLUTIONS = ROOT / "solutions"
BUILD = ROOT / "build" / "course-site"
MODULES = list(module_ids())

LINK_RE = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)(\))")
EXERCISE_FILE_RE = re.compile(r"^(?P<dir>(?:\.\./)*exercises/m\d_\w+/)(?P<file>\w+)\.py(?P<anchor>#\w+)?$")
NOTEBOOK_RE = re.compile(r"^(?P<path>(?:\.\./)*(?:course/)?notebooks/\w+)\.py$")
BACK_LINK_RE = re.compile(r"^(\s*)Lesson: course/([\w.-]+\.md#[\w-]+)\s*$", re.MULTILINE)


# ------------------------------------------------------------------ Markdown for the site

def cards_to_admonitions(markdown: str) -> str:
    """GitHub callouts to Material admonitions; a concept card keeps its title."""
    out: list[str] = []
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        match = re.match(r"^> \[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$", lines[i], re.I)
        if not match:
            out.append(lines[i])
            i += 1
            continue
        kind = match.group(1).lower()
        body = []
        i += 1
        while i < len(lines) and lines[i].startswith(">"):
            body.append(lines[i][2:] if lines[i].startswith("> ") else lines[i][1:])
            i += 1
        title = kind.title()
        card = re.match(r"^\*\*(Concept card: .+)\*\*$", body[0].strip()) if body else None
        css = {"caution": "danger", "important": "info"}.get(kind, kind)
        if card:
            title, css, body = card.group(1), "tip concept-card", body[1:]
            while body and not body[0].strip():
                body = body[1:]
        out.append(f'!!! {css} "{title}"')
        out.append("")
        out.extend(("    " + line) if line.strip() else "" for line in body)
        out.append("")
    return "\n".join(out)


def rewrite_links(markdown: str, prefix: str = "") -> str:
    """Exercise files to their generated pages, notebooks to .ipynb; `prefix` re-roots links."""

    def one(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match.group(0)
        if prefix:
            path, _, anchor = target.partition("#")
            target = posixpath.normpath(posixpath.join(prefix, path)) + (f"#{anchor}" if anchor else "")
        if re.match(r"^(?:\.\./)+(?!exercises/|course/)|^(?!exercises/|course/)\w+/", target) and prefix:
            return match.group(1)[1:-2]  # repository docs outside the site: keep the text
        exercise = EXERCISE_FILE_RE.match(target)
        if exercise:
            target = f"{exercise['dir']}{exercise['file']}.md{exercise['anchor'] or ''}"
        notebook = NOTEBOOK_RE.match(target)
        if notebook:
            target = f"{notebook['path']}.ipynb"
        return f"{match.group(1)}{target}{match.group(3)}"

    return LINK_RE.sub(one, markdown)


def site_markdown(markdown: str, prefix: str = "") -> str:
    return cards_to_admonitions(rewrite_links(markdown, prefix))


# ------------------------------------------------------------------ exercise pages

def _signature(lines: list[str], node: ast.AST) -> str:
    first_body = node.body[0].lineno if node.body else node.lineno + 1
    start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
    return "\n".join(lines[start - 1:first_body - 1]).rstrip()


def _docstring_markdown(doc: str, depth: str) -> str:
    """A docstring as a text block, with its `Lesson:` lines turned into links."""
    lessons = [m.group(2) for m in BACK_LINK_RE.finditer(doc)]
    text = BACK_LINK_RE.sub("", doc).rstrip()
    parts = []
    if lessons:
        parts.append("Lesson: " + ", ".join(
            f"[{target.split('#')[1].replace('-', ' ')}]({depth}course/{target})" for target in lessons))
        parts.append("")
    if text:
        parts += ["```text", text, "```"]
    return "\n".join(parts)


def exercise_page(module: str, path: Path) -> str:
    """The page of one exercise file, as students get it: the stub `autograder release` makes."""
    from autograder.release import strip_solutions

    source = strip_solutions(path.read_text(encoding="utf-8"), str(path))
    lines = source.splitlines()
    tree = ast.parse(source)
    depth = "../../"
    out = [f"# `{module}/{path.name}`", ""]
    doc = ast.get_docstring(tree)
    if doc:
        out += ["```text", doc, "```", ""]
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith("_"):
            continue
        out += [f"## `{node.name}` {{#{node.name}}}", "", "```python", _signature(lines, node), "```", ""]
        out += [_docstring_markdown(ast.get_docstring(node) or "", depth), ""]
        if isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and ast.get_docstring(method) and (
                        not method.name.startswith("_") or method.name == "__init__"):
                    out += [f"### `{node.name}.{method.name}`", "", "```python",
                            _signature(lines, method).strip(), "```", "",
                            _docstring_markdown(ast.get_docstring(method), depth), ""]
    out += [f'??? note "The whole file: exercises/{module}/{path.name}"', "",
            "    ```python"]
    out += [("    " + line) if line else "" for line in lines]
    out += ["    ```", ""]
    return "\n".join(out)


def readme_for_site(readme: Path) -> str:
    """A module's README: links to its exercise files go to their pages; links to other
    files of the folder (data, tests) become plain text, since the site does not carry them."""

    def one(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z]+:|^#", target) or match.group(1).startswith("!"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        if path.endswith(".py") and (readme.parent / path).is_file() and "/" not in path:
            return f"{match.group(1)}{path[:-3]}.md{'#' + anchor if anchor else ''}{match.group(3)}"
        return match.group(1)[1:-2]

    return LINK_RE.sub(one, readme.read_text(encoding="utf-8"))


def exercise_files(module: str) -> list[Path]:
    return sorted(p for p in (SOLUTIONS / module).glob("*.py") if p.name != "__init__.py")


def stage_exercises(docs: Path) -> list:
    nav = []
    index = ["# Exercises", "",
             "Each module's stubs live in `exercises/<module>/`; `pytest exercises/<module>` runs "
             "its public tests and `autograder grade exercises --module <module>` grades it. "
             "These pages show what each file asks for.", ""]
    for module in MODULES:
        files = exercise_files(module)
        if not files:
            continue
        folder = docs / "exercises" / module
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        readme = SOLUTIONS / module / "README.md"
        index.append(f"## {module}")
        index.append("")
        if readme.exists():
            (folder / "README.md").write_text(readme_for_site(readme), encoding="utf-8")
            entries.append({"Overview": f"exercises/{module}/README.md"})
            index.append(f"- [Overview]({module}/README.md)")
        for path in files:
            (folder / f"{path.stem}.md").write_text(exercise_page(module, path), encoding="utf-8")
            entries.append({f"{path.name}": f"exercises/{module}/{path.stem}.md"})
            index.append(f"- [`{path.name}`]({module}/{path.stem}.md)")
        for extra in (SOLUTIONS / module).glob("*.png"):
            shutil.copy2(extra, folder / extra.name)
        index.append("")
        nav.append({module: entries})
    (docs / "exercises" / "index.md").write_text("\n".join(index), encoding="utf-8")
    return [{"Overview": "exercises/index.md"}, *nav]


# ------------------------------------------------------------------ staging and building

def stage(docs: Path) -> list:
    """Write the site's Markdown into `docs`; return the Exercises part of the navigation."""
    shutil.rmtree(docs, ignore_errors=True)
    (docs / "course").mkdir(parents=True)
    outline = tomllib.loads((COURSE / "outline.toml").read_text(encoding="utf-8"))["module"]
    for path in [COURSE / m["lesson"] for m in outline] + [COURSE / "playground.md"]:
        (docs / "course" / path.name).write_text(site_markdown(path.read_text(encoding="utf-8")),
                                                 encoding="utf-8")
    readme = (COURSE / "README.md").read_text(encoding="utf-8")
    (docs / "index.md").write_text(site_markdown(readme, prefix="course"), encoding="utf-8")
    shutil.copytree(COURSE / "figures", docs / "course" / "figures",
                    ignore=shutil.ignore_patterns("*.json"))
    shutil.copy2(COURSE / "site.css", docs / "course" / "site.css")
    stage_playground(docs / "course" / "playground")
    build_notebooks(docs / "course" / "notebooks")
    return stage_exercises(docs)


def stage_playground(target: Path) -> None:
    from autograder.commands.playground import STATIC, static_data_script

    shutil.copytree(STATIC, target, ignore=shutil.ignore_patterns("*.md"))
    (target / "data.js").write_text(static_data_script(), encoding="utf-8")


def build_notebooks(target: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from notebooks import build_all

    build_all(target)


def build(target: Path = BUILD, quiet: bool = False) -> Path:
    """Stage into `target`/docs and build the site into `target`/site; return the site folder."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    docs, site = target / "docs", target / "site"
    nav_exercises = stage(docs)
    config = load_config(config_file=str(COURSE / "mkdocs.yml"), docs_dir=str(docs),
                         site_dir=str(site), strict=True)
    for entry in config["nav"]:
        if "Exercises" in entry:
            entry["Exercises"] = nav_exercises
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    if not quiet:
        print(f"built the course site: {site / 'index.html'}")
    return site


def serve(port: int) -> None:
    site = build()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving the course site on http://127.0.0.1:{port}/index.html (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build the site into build/course-site/site")
    serve_parser = sub.add_parser("serve", help="build, then serve the site locally")
    serve_parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(format="%(levelname)s  %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        if args.command == "build":
            build()
        else:
            serve(args.port)
    except Exception as error:  # mkdocs reports broken links as an Abort with the warnings
        print(f"course_site: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

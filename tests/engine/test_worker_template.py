"""Workers forked from the pre-loaded template (autograder/sandbox/zygote.py) against workers
started as a program (AUTOGRADER_WORKER_START=exec): the code inside meets the same worker,
holds nothing of the template, and nothing outlives the grading process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder.remote import SandboxedCode
from autograder.sandbox import zygote
from autograder.sandbox.isolation import namespace_prefix
from autograder.sandbox.proc import process_state
from tests.helpers import REPO_ROOT

PROBE = '''
import os, sys, json

def descriptors():
    found = {}
    for entry in os.listdir("/proc/self/fd"):
        try:
            found[int(entry)] = os.readlink(f"/proc/self/fd/{entry}")
        except OSError:
            pass
    return found

def facts():
    config = json.loads(sys.argv[1])
    return {
        "main": os.path.basename(sys.modules["__main__"].__file__),
        "main_name": sys.modules["__main__"].__name__,
        "argv0": os.path.basename(sys.argv[0]),
        "config": sorted(config),
        "cwd_is_scratch": os.getcwd() == config["scratch"],
        "home_is_scratch": os.environ.get("HOME") == config["scratch"],
        "tmp": __import__("tempfile").gettempdir() == config["scratch"],
        "path": [p for p in sys.path if "submission" not in p],
        "pid": os.getpid(),
        "uid": os.getuid(),
        "hash_seed": os.environ.get("PYTHONHASHSEED"),
        "order": list({"pear", "apple", "fig", "kiwi", "plum", "lime"}),
        "namespaces": {n: os.readlink(f"/proc/self/ns/{n}") for n in ("net", "mnt", "pid")},
        "environment": sorted(os.environ),
    }
'''


def worker(tmp_path: Path, monkeypatch, start: str, file: str = "probe.py",
           source: str = PROBE, preload: tuple = ()) -> SandboxedCode:
    """A worker started the `start` way for a new submission holding m1_tokenization/`file`."""
    monkeypatch.setenv("AUTOGRADER_WORKER_START", start)
    root = tmp_path / f"{start}-{len(list(tmp_path.iterdir()))}"
    (root / "m1_tokenization").mkdir(parents=True)
    (root / "m1_tokenization" / "__init__.py").write_text("")
    (root / "m1_tokenization" / file).write_text(textwrap.dedent(source))
    return SandboxedCode(root, preload=preload)


def probe(tmp_path: Path, monkeypatch, start: str) -> tuple[dict, dict]:
    code = worker(tmp_path, monkeypatch, start)
    try:
        return (code.function("m1_tokenization.probe", "facts")(),
                code.function("m1_tokenization.probe", "descriptors")())
    finally:
        code.close()


def test_forked_and_started_workers_are_the_same_worker(tmp_path, monkeypatch):
    forked, _ = probe(tmp_path, monkeypatch, "fork")
    started, _ = probe(tmp_path, monkeypatch, "exec")
    for key in ("main", "main_name", "argv0", "config", "cwd_is_scratch", "home_is_scratch",
                "tmp", "path", "hash_seed", "order", "environment"):
        assert forked[key] == started[key], (key, forked[key], started[key])
    assert forked["main"] == "worker.py" and forked["main_name"] == "__main__"
    assert forked["cwd_is_scratch"] and forked["tmp"] and forked["hash_seed"] == "0"
    assert (forked["uid"] == 0) == (started["uid"] == 0)  # each worker has its own uid
    ours = {n: os.readlink(f"/proc/self/ns/{n}") for n in ("net", "mnt", "pid")}
    if namespace_prefix() is not None:
        for name in ("net", "mnt"):
            assert forked["namespaces"][name] != ours[name], name
    if namespace_prefix() is not None and "--pid" in namespace_prefix():
        assert forked["namespaces"]["pid"] != ours["pid"]
        assert forked["pid"] == started["pid"] == 2  # the child of the namespace's init


def test_a_forked_worker_holds_only_its_own_pipes(tmp_path, monkeypatch):
    _, forked = probe(tmp_path, monkeypatch, "fork")
    _, started = probe(tmp_path, monkeypatch, "exec")
    # No socket (the template's channel) and nothing but what a started worker holds:
    # /dev/null, its two output pipes and its three request, reply and stack pipes.
    assert not [t for t in forked.values() if t.startswith("socket:")], forked
    kinds = lambda found: sorted(t.split(":")[0] for fd, t in found.items()  # noqa: E731
                                 if not t.startswith("/proc"))
    assert kinds(forked) == kinds(started), (forked, started)


def test_a_worker_that_cannot_be_forked_is_started_as_a_program(tmp_path, monkeypatch):
    def unavailable(*args, **kwargs):
        raise zygote.Unavailable("no template here")

    monkeypatch.setattr(zygote, "spawn", unavailable)
    code = worker(tmp_path, monkeypatch, "fork")
    try:
        assert code.function("m1_tokenization.probe", "facts")()["main"] == "worker.py"
        assert not isinstance(code._sandbox.process, zygote.ForkedWorker)
    finally:
        code.close()


# A grading process that dies without cleaning up, and one that forks: the template and its
# workers end with their grading process, and a forked child never uses its parent's template.
LIFETIME = '''
import json, os, sys
from pathlib import Path
from autograder.remote import SandboxedCode
from autograder.sandbox import zygote

def start():
    code = SandboxedCode(Path(sys.argv[1]))
    assert code.function("m1_tokenization.probe", "facts")()["main"] == "worker.py"
    template = next(iter(zygote._templates.values()))
    return code, template.process.pid, code._sandbox.process.pid

code, template, worker = start()
child = os.fork()
if child == 0:
    _, child_template, child_worker = start()
    print(json.dumps({"template": child_template, "worker": child_worker}), flush=True)
    os._exit(0)
os.waitpid(child, 0)
print(json.dumps({"template": template, "worker": worker}), flush=True)
os._exit(0)
'''


def test_the_template_and_its_workers_end_with_the_grading_process(tmp_path, monkeypatch):
    code = worker(tmp_path, monkeypatch, "fork")  # writes the submission
    code.close()
    completed = subprocess.run([sys.executable, "-c", LIFETIME, str(code.submission)],
                               capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
                               env={**os.environ, "AUTOGRADER_WORKER_START": "fork"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    child, parent = (json.loads(line) for line in completed.stdout.splitlines())
    assert child["template"] != parent["template"]
    pids = [child["template"], child["worker"], parent["template"], parent["worker"]]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.05)
    assert not [pid for pid in pids if _running(pid)]


def _running(pid: int) -> bool:
    return process_state(f"/proc/{pid}") not in ("Z", "X", "")


@pytest.mark.parametrize("prefix, mode", [
    (None, None),
    (["unshare", "--net", "--mount"], {"user": False, "pid": False}),
    (["unshare", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"],
     {"user": False, "pid": True}),
    (["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork",
      "--kill-child", "--mount-proc"], {"user": True, "pid": True}),
])
def test_the_template_enters_the_namespaces_unshare_would(prefix, mode):
    assert zygote.namespace_mode(prefix) == mode


# ------------------------------------------------------------------ pre-loaded libraries

LOADED = '''
import sys

def loaded(names):
    return {name: name in sys.modules for name in names}

def parse(text):
    import regex
    return regex.findall(r"\\p{L}+", text)
'''


def test_a_template_preloads_what_it_is_asked_and_the_code_sees_the_same_results(
        tmp_path, monkeypatch):
    asked = ("regex", "no_such_library_anywhere", "json.decoder.JSONDecoder")
    results = {}
    for start, preload in (("fork", asked), ("fork", ()), ("exec", asked)):
        code = worker(tmp_path, monkeypatch, start, "loaded.py", LOADED, preload)
        try:
            results[start, preload] = (code.function("m1_tokenization.loaded", "loaded")(
                ["regex", "no_such_library_anywhere"]),
                code.function("m1_tokenization.loaded", "parse")("Grüße, 世界 42"))
        finally:
            code.close()
    # A name that cannot be imported is left to the worker; the template still serves.
    assert results["fork", asked][0] == {"regex": True, "no_such_library_anywhere": False}
    assert results["fork", ()][0] == {"regex": False, "no_such_library_anywhere": False}
    assert results["exec", asked][0]["regex"] is False  # a started worker imports for itself
    assert all(r[1] == ["Grüße", "世界"] for r in results.values()), results


def test_workers_with_other_preloads_come_from_other_templates(tmp_path, monkeypatch):
    codes = [worker(tmp_path, monkeypatch, "fork", "loaded.py", LOADED, preload)
             for preload in ((), ("regex",), ("regex",))]
    try:
        for code in codes:
            code.function("m1_tokenization.loaded", "loaded")([])
        templates = [zygote._templates[key].process.pid for key in zygote._templates
                     if key[2] in ((), ("regex",))]
        assert len(set(templates)) == len(templates) >= 2
    finally:
        for code in codes:
            code.close()


def test_the_preloads_are_the_references_top_level_libraries(tmp_path):
    (tmp_path / "course_mod").mkdir()
    (tmp_path / "course_mod" / "a.py").write_text(textwrap.dedent('''
        from __future__ import annotations
        import os, json
        import numpy as np
        import torch.nn.functional as F
        from scipy import sparse
        from tqdm.auto import tqdm
        from . import b
        from .b import helper
        from course_mod.b import other
        import sibling_module

        def lazy():
            import sentence_transformers
        '''))
    (tmp_path / "course_mod" / "b.py").write_text("import regex\nimport numpy\n")
    (tmp_path / "course_mod" / "broken.py").write_text("def (:\n")
    found = zygote.libraries_imported_by(sorted((tmp_path / "course_mod").glob("*.py")),
                                         own={"course_mod", "sibling_module"})
    assert found == ("numpy", "regex", "scipy", "scipy.sparse", "torch.nn.functional",
                     "tqdm.auto", "tqdm.auto.tqdm")


def test_a_grade_preloads_the_libraries_of_the_modules_it_grades():
    from autograder.plugin import GradingPlugin, TestFile

    def preload(*modules: str) -> tuple[str, ...]:
        files = {REPO_ROOT / f"{m}.py": TestFile(m, "hidden") for m in modules}
        return GradingPlugin(REPO_ROOT / "exercises", REPO_ROOT / "solutions",
                             REPO_ROOT / "autograder" / "suites", files)._preload

    assert "torch" in preload("m4_embedding_training")
    assert "torch" not in preload("m1_tokenization")
    assert set(preload("m1_tokenization", "m4_embedding_training")) == \
        set(preload("m1_tokenization")) | set(preload("m4_embedding_training"))
    # Never a module of the course itself: that is the code the worker is there to run.
    assert not [n for n in preload(*[p.name for p in (REPO_ROOT / "solutions").iterdir()
                                     if p.is_dir()]) if n.startswith(("m1_", "m2_", "m3_", "m4_"))]

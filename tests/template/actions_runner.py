"""A small stand-in for the GitHub Actions runner: enough to run a workflow's own steps here.

It evaluates the `${{ … }}` expressions the course's workflow uses (contexts, `||`, `&&`,
`==`, `!=`, `!`, `always()`, `success()`), runs each `run:` step with bash in the workspace
with the files and variables Actions provides (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
GITHUB_WORKSPACE, …), reads step outputs back, honours `if:` and `continue-on-error`, and hands
each `uses:` step to a handler the test supplies (checkout, upload-artifact, the reporter …).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
                    r"|(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][\w.-]*))")


class Expression:
    """A recursive-descent evaluator for the subset of Actions expressions we use."""

    def __init__(self, text: str, contexts: dict, status: dict):
        self.tokens = self._tokenize(text)
        self.i = 0
        self.contexts, self.status = contexts, status

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        text = text.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                raise ValueError(f"cannot parse expression {text!r} at {pos}")
            kind = match.lastgroup
            tokens.append((kind, match[kind]))
            pos = match.end()
        return tokens

    def evaluate(self) -> Any:
        value = self._or()
        if self.i != len(self.tokens):
            raise ValueError(f"trailing tokens in expression: {self.tokens[self.i:]}")
        return value

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == ("op", "||"):
            self._take()
            right = self._and()
            value = value if _truthy(value) else right
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == ("op", "&&"):
            self._take()
            right = self._compare()
            value = right if _truthy(value) else value
        return value

    def _compare(self) -> Any:
        value = self._unary()
        while self._peek() in (("op", "=="), ("op", "!=")):
            op = self._take()[1]
            right = self._unary()
            same = str(value).lower() == str(right).lower()
            value = same if op == "==" else not same
        return value

    def _unary(self) -> Any:
        if self._peek() == ("op", "!"):
            self._take()
            return not _truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text)
        if kind == "op" and text == "(":
            value = self._or()
            assert self._take() == ("op", ")")
            return value
        if kind == "name":
            if self._peek() == ("op", "("):
                self._take()
                arguments = []
                while self._peek() != ("op", ")"):
                    arguments.append(self._or())
                    if self._peek() == ("op", ","):
                        self._take()
                self._take()
                return self._function(text, arguments)
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            return self._lookup(text)
        raise ValueError(f"unexpected token {text!r}")

    def _function(self, name: str, arguments: list | None = None) -> Any:
        if name == "hashFiles":
            # GitHub's hashFiles: the SHA-256 of the SHA-256 of each matching file, in order
            workspace = Path(self.contexts.get("github", {}).get("workspace") or ".")
            digest = hashlib.sha256()
            for pattern in arguments or []:
                for path in sorted(workspace.glob(pattern)):
                    if path.is_file():
                        digest.update(hashlib.sha256(path.read_bytes()).digest())
            return digest.hexdigest()
        if name == "always":
            return True
        if name == "success":
            return not self.status["failed"]
        if name == "failure":
            return self.status["failed"]
        if name == "cancelled":
            return False
        raise ValueError(f"unsupported function {name}()")

    def _lookup(self, dotted: str) -> Any:
        value: Any = self.contexts
        for part in dotted.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0, 0.0)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interpolate(text: Any, contexts: dict, status: dict) -> str:
    if not isinstance(text, str):  # YAML booleans and numbers reach actions as strings
        return _text(text)
    return re.sub(r"\$\{\{(.*?)\}\}",
                  lambda m: _text(Expression(m[1], contexts, status).evaluate()), text)


def condition(text: str | None, contexts: dict, status: dict) -> bool:
    if text is None:
        return not status["failed"]
    text = str(text).strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    expression = Expression(text, contexts, status)
    uses_status = any(k == "name" and v in ("always", "success", "failure", "cancelled")
                      for k, v in expression.tokens)
    value = _truthy(expression.evaluate())
    return value if uses_status else value and not status["failed"]


def parse_outputs(path: Path) -> dict[str, str]:
    """Read `$GITHUB_OUTPUT`: `name=value` lines and `name<<DELIM` … `DELIM` blocks."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


@dataclass
class StepResult:
    id: str
    name: str
    outcome: str  # success | failure | skipped
    outputs: dict = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    summary: str = ""


UsesHandler = Callable[[dict, dict, Path], tuple[str, dict]]  # (with, env, workspace) -> (outcome, outputs)


def run_job(workflow: dict, job_id: str, workspace: Path, contexts: dict,
            handlers: dict[str, UsesHandler], base_env: dict[str, str],
            replace_run: dict[str, str] | None = None, scratch: Path | None = None,
            ) -> list[StepResult]:
    """Run one job's steps in order, as the runner would; returns each step's result."""
    scratch = Path(scratch or workspace.parent / "runner")
    scratch.mkdir(parents=True, exist_ok=True)
    job = workflow["jobs"][job_id]
    contexts = dict(contexts)
    contexts["github"] = {**contexts.get("github", {}), "workspace": str(workspace)}
    contexts["steps"] = {}
    status = {"failed": False}
    workflow_env = {k: interpolate(v, contexts, status) for k, v in (workflow.get("env") or {}).items()}
    contexts["env"] = dict(workflow_env)
    results = []
    for number, step in enumerate(job["steps"]):
        step_id = step.get("id", f"step{number}")
        if not condition(step.get("if"), contexts, status):
            contexts["steps"][step_id] = {"outcome": "skipped", "conclusion": "skipped",
                                          "outputs": {}}
            results.append(StepResult(step_id, step.get("name", ""), "skipped"))
            continue
        env = dict(base_env)
        env.update(workflow_env)
        env.update({k: interpolate(v, contexts, status) for k, v in (step.get("env") or {}).items()})
        output_file = scratch / f"output-{number}"
        summary_file = scratch / f"summary-{number}"
        env.update({"GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file),
                    "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTIONS": "true", "CI": "true"})
        if "run" in step:
            script = (replace_run or {}).get(step_id, step["run"])
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                   script], cwd=workspace, env=env, capture_output=True,
                                  text=True, timeout=600)
            outcome = "success" if done.returncode == 0 else "failure"
            outputs = parse_outputs(output_file)
            stdout, stderr = done.stdout, done.stderr
        else:
            action = step["uses"].split("@")[0]
            inputs = {k: interpolate(v, contexts, status) for k, v in (step.get("with") or {}).items()}
            outcome, outputs = handlers[action](inputs, env, workspace)
            stdout = stderr = ""
        summary = summary_file.read_text(encoding="utf-8") if summary_file.exists() else ""
        conclusion = "success" if step.get("continue-on-error") else outcome
        contexts["steps"][step_id] = {"outcome": outcome, "conclusion": conclusion,
                                      "outputs": outputs}
        if conclusion == "failure":
            status["failed"] = True
        results.append(StepResult(step_id, step.get("name", ""), outcome, outputs, stdout,
                                  stderr, summary))
    return results


def load_workflow(path: Path) -> dict:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if True in data and "on" not in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def base_environment(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(extra)
    return env

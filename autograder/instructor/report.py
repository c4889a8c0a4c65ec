"""`autograder report`: a gradebook as one self-contained HTML page with plots.

    the class at a glance     students, graded, missing, late, could not be graded
    scores per module         a histogram each, with mean, median and spread
    pass rate per test        the hardest tests first: where the class struggles
    time per submission       how long grading took, the slowest submissions named
    late submissions          how late, and what it cost under the late policy
    similar pairs             when `gradebook similarity` flagged any, to be read by a person

The figures are inline SVG (matplotlib), so the page can be mailed or archived as one file.
"""

from __future__ import annotations

import html
import io
import json
import statistics
from collections import defaultdict
from datetime import datetime, timezone

from autograder.instructor.dates import describe_duration
from autograder.instructor.gradebook import Gradebook
from autograder.instructor.late import LatePolicy
from autograder.instructor.standings import Standing, standings
from autograder.course import title as module_title

_HARDEST_PLOTTED = 40
_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left; }
td.n, th.n { text-align: right; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; }
.muted { color: #666; } figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
"""


def render(gradebook: Gradebook, policy: LatePolicy, title: str = "Grading report") -> str:
    rows = standings(gradebook, policy)
    e = html.escape
    generated = datetime.now(timezone.utc).astimezone().isoformat(timespec="minutes")
    body = [f"<h1>{e(title)}</h1>",
            f"<p class='muted'>{e(str(gradebook.path))} · {e(generated)} · late policy: "
            f"{e(policy.describe())}</p>"]
    body += _overview(rows, gradebook)
    body += _scores(rows)
    body += _tests(gradebook)
    body += _times(rows)
    body += _late(rows, policy)
    body += _problems(rows, gradebook)
    body += _similarity(gradebook)
    return ("<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# ---------------------------------------------------------------------- sections


def _overview(rows: list[Standing], gradebook: Gradebook) -> list[str]:
    collected = [r for r in rows if r.submission.gradable]
    graded = [r for r in collected if r.complete and r.scores]
    cards = [("students", len(rows)), ("graded", len(graded)),
             ("no submission", len(rows) - len(collected)),
             ("late", sum(r.penalty.late for r in graded)),
             ("could not be graded", len({f[0] for f in gradebook.failures()}))]
    return ["<div class='cards'>"] + [f"<div class='card'><b>{n}</b>{html.escape(label)}</div>"
                                      for label, n in cards] + ["</div>"]


def _scores(rows: list[Standing]) -> list[str]:
    modules = list(rows[0].scores) if rows else []
    if not modules:
        return ["<h2>Scores</h2><p>Nothing graded yet.</p>"]
    out = ["<h2>Scores per module</h2>",
           "<table><tr><th>Module</th><th class='n'>graded</th><th class='n'>mean</th>"
           "<th class='n'>median</th><th class='n'>min</th><th class='n'>max</th>"
           "<th class='n'>out of</th></tr>"]
    series = {}
    for module in modules:
        scores = [r.scores[module] for r in rows if r.scores[module] is not None]
        series[module] = scores
        top = max((r.max_scores[module] for r in rows), default=0)
        if scores:
            out.append(f"<tr><td>{html.escape(module_title(module))}</td>"
                       f"<td class='n'>{len(scores)}</td>"
                       f"<td class='n'>{statistics.fmean(scores):.1f}</td>"
                       f"<td class='n'>{statistics.median(scores):g}</td>"
                       f"<td class='n'>{min(scores):g}</td><td class='n'>{max(scores):g}</td>"
                       f"<td class='n'>{top:g}</td></tr>")
    finals = [r.final for r in rows if r.submission.gradable and r.complete]
    if finals:
        out.append(f"<tr><th>Total after late penalties</th><td class='n'>{len(finals)}</td>"
                   f"<td class='n'>{statistics.fmean(finals):.1f}</td>"
                   f"<td class='n'>{statistics.median(finals):g}</td>"
                   f"<td class='n'>{min(finals):g}</td><td class='n'>{max(finals):g}</td>"
                   f"<td class='n'>{max(r.max_score for r in rows):g}</td></tr>")
    out.append("</table>")
    plotted = {m: s for m, s in series.items() if s}
    if plotted:
        out.append(_figure(_histograms(plotted, {m: max(r.max_scores[m] for r in rows)
                                                 for m in plotted}),
                           "Score histogram of each module"))
    return out


def _tests(gradebook: Gradebook) -> list[str]:
    outcomes: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    points: dict[tuple[str, str], float] = {}
    for _, test in gradebook.test_rows():
        key = (test.module, test.name)
        outcomes[key][0] += test.passed
        outcomes[key][1] += 1
        points[key] = test.points
    if not outcomes:
        return []
    rates = sorted(((passed / total, key) for key, (passed, total) in outcomes.items()),
                   key=lambda item: (item[0], item[1]))
    out = ["<h2>Pass rate per test</h2>",
           f"<p class='muted'>The {min(_HARDEST_PLOTTED, len(rates))} hardest of {len(rates)} "
           "tests; the full list is below the figure.</p>",
           _figure(_pass_rates(rates[:_HARDEST_PLOTTED]), "Pass rate of the hardest tests"),
           "<details><summary>Every test, hardest first</summary><table><tr><th>Module</th>"
           "<th>Test</th><th class='n'>points</th><th class='n'>passed</th>"
           "<th class='n'>pass rate</th></tr>"]
    for rate, key in rates:
        passed, total = outcomes[key]
        out.append(f"<tr><td>{html.escape(key[0])}</td><td>{html.escape(key[1])}</td>"
                   f"<td class='n'>{points[key]:g}</td><td class='n'>{passed}/{total}</td>"
                   f"<td class='n'>{rate:.0%}</td></tr>")
    out.append("</table></details>")
    return out


def _times(rows: list[Standing]) -> list[str]:
    timed = sorted(((r.seconds, r.student) for r in rows if r.seconds > 0), reverse=True)
    if not timed:
        return []
    seconds = [s for s, _ in timed]
    out = ["<h2>Time per submission</h2>",
           f"<p>Grading took {statistics.median(seconds):.1f} s per submission (median), "
           f"{sum(seconds) / 60:.1f} min of work in all.</p>",
           _figure(_histogram(seconds, "seconds to grade", "submissions"),
                   "Grading time per submission"),
           "<table><tr><th>Slowest</th><th class='n'>seconds</th></tr>"]
    out += [f"<tr><td>{html.escape(student)}</td><td class='n'>{s:.1f}</td></tr>"
            for s, student in timed[:5]]
    out.append("</table>")
    return out


def _late(rows: list[Standing], policy: LatePolicy) -> list[str]:
    late = sorted((r for r in rows if r.penalty.late), key=lambda r: -r.penalty.late_seconds)
    out = ["<h2>Late submissions</h2>"]
    if not late:
        return out + ["<p>None.</p>"]
    hours = [r.penalty.late_seconds / 3600 for r in late]
    out.append(_figure(_histogram(hours, "hours after the deadline", "submissions"),
                       "How late the late submissions were"))
    out.append("<table><tr><th>Student</th><th>late by</th><th class='n'>raw</th>"
               "<th class='n'>penalty</th><th class='n'>total</th></tr>")
    for r in late:
        out.append(f"<tr><td>{html.escape(r.student)}</td>"
                   f"<td>{describe_duration(r.penalty.late_seconds)}</td>"
                   f"<td class='n'>{r.raw:g}</td><td class='n'>−{r.penalty_points:g} "
                   f"({r.penalty.percent:g}%)</td><td class='n'>{r.final:g}</td></tr>")
    out.append("</table>")
    return out


def _problems(rows: list[Standing], gradebook: Gradebook) -> list[str]:
    missing = [r for r in rows if not r.submission.gradable]
    failures = gradebook.failures()
    if not missing and not failures:
        return []
    out = ["<h2>Not graded</h2><table><tr><th>Student</th><th>what happened</th></tr>"]
    for r in missing:
        detail = r.submission.status + (f": {r.submission.message}"
                                        if r.submission.message else "")
        out.append(f"<tr><td>{html.escape(r.student)}</td><td>{html.escape(detail)}</td></tr>")
    for student, module, message, _ in failures:
        out.append(f"<tr><td>{html.escape(student)}</td><td>{html.escape(module)}: the grader "
                   f"could not grade it: {html.escape(message)}</td></tr>")
    out.append("</table>")
    return out


def _similarity(gradebook: Gradebook) -> list[str]:
    pairs = gradebook.similar_pairs()
    if not pairs:
        return []
    out = ["<h2>Similar pairs</h2>",
           "<p class='muted'>Submissions whose code is unusually alike once the template and "
           "common idioms are removed. Read them side by side before concluding anything.</p>",
           "<table><tr><th>Student</th><th>Student</th><th class='n'>similarity</th>"
           "<th>most alike functions</th></tr>"]
    for pair in pairs:
        functions = ", ".join(f"{name} ({score:.0%})" for name, score in json.loads(pair.detail))
        out.append(f"<tr><td>{html.escape(pair.a)}</td><td>{html.escape(pair.b)}</td>"
                   f"<td class='n'>{pair.score:.0%}</td><td>{html.escape(functions)}</td></tr>")
    out.append("</table>")
    return out


# ---------------------------------------------------------------------- figures


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _figure(fig, caption: str) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    return f"<figure>{svg}<figcaption class='muted'>{html.escape(caption)}</figcaption></figure>"


def _histograms(series: dict[str, list[float]], maxima: dict[str, float]):
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(series), figsize=(4.2 * len(series), 3), squeeze=False)
    for ax, (module, scores) in zip(axes[0], series.items()):
        top = maxima[module] or max(scores) or 1
        ax.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, top),
                color="#4c72b0", edgecolor="white")
        ax.set_title(module, fontsize=10)
        ax.set_xlabel("score")
        ax.set_ylabel("students")
    fig.tight_layout()
    return fig


def _pass_rates(rates: list[tuple[float, tuple[str, str]]]):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.26 * len(rates)))
    labels = [f"{name}  [{module.split('_')[0]}]" for _, (module, name) in rates]
    values = [rate * 100 for rate, _ in rates]
    ax.barh(range(len(rates)), values, color=["#c44e52" if v < 50 else "#4c72b0"
                                              for v in values])
    ax.set_yticks(range(len(rates)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("students passing (%)")
    fig.tight_layout()
    return fig


def _histogram(values: list[float], xlabel: str, ylabel: str):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.hist(values, bins=min(30, max(5, len(values) // 3)), color="#55a868", edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig

"""JUnit XML: one <testsuite> per module, for CI dashboards that read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autograder.formats.gradescope import feedback
from autograder.results import GradeResult


def render(result: GradeResult) -> str:
    root = ET.Element("testsuites", name="autograder", tests=str(len(result.tests)),
                      failures=str(sum(not t.passed for t in result.tests)),
                      time=f"{result.execution_time:.3f}")
    for module, score in result.modules.items():
        tests = [t for t in result.tests if t.module == module]
        suite = ET.SubElement(root, "testsuite", name=module, tests=str(len(tests)),
                              failures=str(score.failed), time=f"{sum(t.seconds for t in tests):.3f}")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score",
                      value=f"{score.score:g}/{score.max_score:g}")
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=f"{module}.{test.suite}",
                                 name=test.name, time=f"{test.seconds:.3f}")
            if not test.passed:
                failure = ET.SubElement(case, "failure",
                                        message=(test.output.splitlines() or ["failed"])[0][:200])
                failure.text = feedback(test)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

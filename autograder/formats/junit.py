"""JUnit XML: one <testsuite> per module, for CI dashboards that read it.

Every string passes through `escape.xml` (no character XML 1.0 forbids, no escape sequence);
ElementTree escapes the markup characters, so the file always parses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autograder.formats.escape import xml
from autograder.formats.parts import feedback, summary_notes
from autograder.results import GradeResult


def render(result: GradeResult) -> str:
    root = ET.Element("testsuites", name="autograder", tests=str(len(result.tests)),
                      failures=str(sum(not t.passed for t in result.tests)),
                      time=f"{result.execution_time:.3f}")
    for module, score in result.modules.items():
        tests = [t for t in result.tests if t.module == module]
        suite = ET.SubElement(root, "testsuite", name=xml(module, lines=1), tests=str(len(tests)),
                              failures=str(score.failed), time=f"{sum(t.seconds for t in tests):.3f}")
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score",
                      value=f"{score.score:g}/{score.max_score:g}")
        ET.SubElement(properties, "property", name="deeper_hints_used",
                      value=str(len(result.deeper_hints_used)))
        for note in summary_notes(result):
            ET.SubElement(properties, "property", name="note", value=xml(note, lines=3))
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=xml(f"{module}.{test.suite}", lines=1),
                                 name=xml(test.name, lines=3), time=f"{test.seconds:.3f}")
            if not test.passed:
                first = (xml(test.output).splitlines() or ["failed"])[0][:200]
                failure = ET.SubElement(case, "failure", message=first)
                failure.text = xml(feedback(test))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

#!/usr/bin/env python3
"""Sums the TRX files of a test run into one 'N passed, N failed, N skipped' line and lists every skip with its reason.

A skip whose reason says a tool is missing ("... is not installed", "install the ... package") counts as a failure
when CI=true: CI installs every oracle tool (eng/install-deps.sh), so such a skip there means a test that did not run.
Locally those skips are fine. Exit status: 1 when a test failed, no test passed, or (on CI) a tool was missing.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

MISSING_TOOL = re.compile(r"is not installed|install the \S+ package", re.IGNORECASE)


def local(tag):
    """A TRX element's name without its XML namespace."""
    return tag.rsplit("}", 1)[-1]


def first_text(element, name):
    for e in element.iter():
        if local(e.tag) == name and e.text:
            return e.text
    return ""


def main(results_directory):
    passed = failed = 0
    skips = []
    for path in sorted(glob.glob(f"{results_directory}/**/*.trx", recursive=True)):
        for r in ET.parse(path).getroot().iter():
            if local(r.tag) != "UnitTestResult":
                continue
            outcome = r.get("outcome")
            if outcome == "Passed":
                passed += 1
            elif outcome == "NotExecuted":
                reason = (first_text(r, "Message") or first_text(r, "StdOut")).strip()
                skips.append((r.get("testName"), reason))
            else:
                failed += 1
    missing = [(name, reason) for name, reason in skips if MISSING_TOOL.search(reason)]
    for name, reason in skips:
        print(f"skipped: {name}: {reason[:200]}")
    on_ci = os.environ.get("CI", "").lower() == "true"
    summary = f"{passed} passed, {failed} failed, {len(skips)} skipped"
    if missing:
        summary += f" ({len(missing)} for a missing tool{', which fails on CI' if on_ci else ''})"
    print(summary)
    return 1 if failed or passed == 0 or (on_ci and missing) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

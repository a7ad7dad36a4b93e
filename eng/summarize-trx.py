#!/usr/bin/env python3
"""Sums the TRX files of a test run into one plain 'N passed, N failed, N skipped' line and lists skip reasons."""
import glob
import sys
import xml.etree.ElementTree as ET


def local(tag):
    """A TRX element's name without its XML namespace."""
    return tag.rsplit("}", 1)[-1]


def first_text(element, name):
    for e in element.iter():
        if local(e.tag) == name and e.text:
            return e.text
    return ""


passed = failed = skipped = 0
skips = []
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    for r in ET.parse(path).getroot().iter():
        if local(r.tag) != "UnitTestResult":
            continue
        outcome = r.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
            reason = first_text(r, "Message") or first_text(r, "StdOut")
            skips.append(f"{r.get('testName')}: {reason.strip()[:200]}")
        else:
            failed += 1
for s in skips:
    print(f"skipped: {s}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)

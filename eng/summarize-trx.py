#!/usr/bin/env python3
"""Sums the TRX files of a test run into one plain 'N passed, N failed, N skipped' line and lists skip reasons."""
import glob
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
skips = []
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    for r in root.iterfind(".//t:UnitTestResult", NS):
        outcome = r.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
            msg = r.find(".//t:Output/t:ErrorInfo/t:Message", NS)
            text = msg.text if msg is not None and msg.text else (r.findtext(".//t:Output/t:StdOut", "", NS) or "")
            skips.append(f"{r.get('testName')}: {text.strip()[:200]}")
        else:
            failed += 1
for s in skips:
    print(f"skipped: {s}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)

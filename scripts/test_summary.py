"""Prints tests per kind from the JUnit files and the closing line `N passed, N failed`."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(paths: list[str]) -> int:
    passed = failed = skipped = 0
    for name in paths:
        path = Path(name)
        if not path.exists():
            print(f"{path.stem:<12} no results")
            failed += 1
            continue
        root = ET.parse(path).getroot()  # noqa: S314
        suites = [root] if root.tag == "testsuite" else list(root)
        tests = sum(int(s.get("tests", 0)) for s in suites)
        bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        skip = sum(int(s.get("skipped", 0)) for s in suites)
        seconds = sum(float(s.get("time", 0)) for s in suites)
        print(f"{path.stem:<12} {tests:>5} tests  {bad:>3} failed  {skip:>3} skipped  {seconds:7.1f} s")
        passed += tests - bad - skip
        failed += bad
        skipped += skip
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

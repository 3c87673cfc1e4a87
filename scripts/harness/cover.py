#!/usr/bin/python3
"""Fill the cover letter that git format-patch wrote from our template.

The first line of the template is the subject, the rest the text, in which
@BENCH@ becomes the benchmark table of build/bench.json (or a line saying
there is none) and @BASE@ the base version.
"""
import argparse
import json
import os
import sys


def bench_table(path):
    if not os.path.exists(path):
        return "(no benchmark run: `make bench` writes build/bench.json)\n"
    rows = json.load(open(path))["rows"]
    lines = ["  %-20s %12s %12s %8s %6s" % ("operation", "base ns", "patched ns",
                                             "ratio", "goal")]
    for r in rows:
        ratio = r["ratio"]
        rtxt = ("%.3f" % ratio) if ratio < 100 else ("%.0f" % ratio)
        goal = "-" if r.get("goal") is None else "%.3f" % r["goal"]
        lines.append("  %-20s %12.1f %12.1f %8s %6s" % (r["op"], r["base_ns"],
                                                      r["patched_ns"], rtxt, goal))
    if any(r["op"].endswith("_2cpu") for r in rows):
        lines.append("  (the _2cpu row's ratio is 2 CPUs over 1 on the patched kernel)")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cover", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--base-version", required=True)
    a = ap.parse_args()

    tmpl = open(a.template).read().split("\n", 1)
    subject, text = tmpl[0].strip(), tmpl[1].lstrip("\n")
    text = text.replace("@BENCH@", bench_table(a.bench).rstrip("\n"))
    text = text.replace("@BASE@", a.base_version)
    cover = open(a.cover).read()
    if "*** SUBJECT HERE ***" not in cover or "*** BLURB HERE ***" not in cover:
        sys.exit("error: %s is not a cover letter of git format-patch" % a.cover)
    cover = cover.replace("*** SUBJECT HERE ***", subject)
    cover = cover.replace("*** BLURB HERE ***", text.rstrip("\n"))
    open(a.cover, "w").write(cover)


if __name__ == "__main__":
    main()

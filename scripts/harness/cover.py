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
    lines = ["  %-20s %12s %12s %8s %6s %7s" % ("operation", "base ns", "patched ns",
                                                  "ratio", "goal", "spread")]
    fmt = lambda v, f: "-" if v is None else f % v
    for r in rows:
        ratio = r["ratio"]
        rtxt = fmt(ratio, "%.3f" if ratio is None or ratio < 100 else "%.0f")
        goal = fmt(r.get("goal"), "%.3f")
        spread = "-" if r.get("spread") is None else "%.1f%%" % (100 * r["spread"])
        lines.append("  %-20s %12s %12s %8s %6s %7s" % (
            r["op"], fmt(r["base_ns"], "%.1f"), fmt(r["patched_ns"], "%.1f"),
            rtxt, goal, spread))
    lines.append("  (each figure is the lower of two runs; spread: the larger"
                 " difference")
    lines.append("  between the two runs of one kernel)")
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

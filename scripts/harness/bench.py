#!/usr/bin/env python3
"""The host half of `make bench`: boot the base and the patched fast kernels
under qemu -icount (guest time counts instructions, so most rows repeat
within 0.4%), twice each, run revoke_bench in the guest, and compare.

Prints one table (operation, base, patched, ratio, goal, spread) and
writes build/bench.json and build/bench.svg.  Each kernel's figure for an
operation is the lower of its two runs: what varies under icount is time
spent waiting (a wakeup on the other CPU, host I/O), which only adds.  A
mismatch between the two runs of one kernel is printed, not hidden, and
the table's spread column gives the larger of the two kernels' differences
between their runs, so that a ratio inside it is read as noise.  Exit
status 1 if a run failed.
"""

import argparse
import json
import os
import subprocess
import sys

# Goals for patched / base, by operation.
GOALS = {
    "null_read": 1.005, "pipe_write_read": 1.005, "pipe_poll": 1.005,
    "pipe_fionread": 1.005, "tmpfs_pread": 1.005, "tmpfs_lseek": 1.005,
    "pty_write_read": 1.01, "pty_tcgets": 1.01, "pty_poll": 1.01,
    "pcm_sync_ptr": 1.01, "pcm_status": 1.01, "ctl_elem_read": 1.01,
    "tiocvhangup_1": 1.10, "tiocvhangup_100": 1.10, "tiocvhangup_1000": 1.10,
    "snd_disconnect_1": 1.10, "snd_disconnect_100": 1.10,
    "pty_tcgets_2cpu": None,
}


def run_guest(top, tree, rep, timeout):
    b = os.path.join(top, "build")
    res = os.path.join(b, "results-bench-%s-%d" % (tree, rep))
    log = os.path.join(b, "bench-%s-%d.log" % (tree, rep))
    kernel = os.path.join(b, "obj-%s-run" % tree, "arch/x86/boot/bzImage")
    os.makedirs(res, exist_ok=True)
    for f in os.listdir(res):
        os.unlink(os.path.join(res, f))
    print("==> bench: %s kernel, run %d (console log: build/%s)"
          % ("patched" if tree == "src" else "base", rep, os.path.basename(log)),
          flush=True)
    rc = subprocess.call([sys.executable, os.path.join(top, "scripts/harness/qemu-run.py"),
                          "--kernel", kernel, "--run", "scripts/harness/guest/bench.sh",
                          "--results", res, "--log", log, "--timeout", str(timeout),
                          "--icount", "--quiet"])
    figures = {}
    path = os.path.join(res, "bench.json")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    d = json.loads(line)
                    figures[d["op"]] = d["ns"]
    if rc != 0:
        print("error: the %s bench run %d failed (status %d, see build/%s)"
              % (tree, rep, rc, os.path.basename(log)), file=sys.stderr)
    return rc, figures


def svg(rows, path):
    """Bars of patched/base per operation, with the goal as a tick."""
    w, h_row, left = 640, 22, 170
    h = 40 + h_row * len(rows)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (w, h),
           '<text x="10" y="18">patched / base (1.0 = same cost)</text>']
    scale = (w - left - 60) / 1.2
    x1 = left + scale * 1.0
    out.append('<line x1="%.1f" y1="26" x2="%.1f" y2="%d" stroke="#888" '
               'stroke-dasharray="3,3"/>' % (x1, x1, h - 4))
    for i, r in enumerate(rows):
        y = 30 + i * h_row
        ratio = r["ratio"] or 0
        colour = "#4a7" if r["ok"] is not False else "#c44"
        out.append('<text x="10" y="%d">%s</text>' % (y + 13, r["op"]))
        out.append('<rect x="%d" y="%d" width="%.1f" height="14" fill="%s"/>'
                   % (left, y + 2, scale * min(ratio, 1.2), colour))
        out.append('<text x="%.1f" y="%d">%.4f</text>'
                   % (left + scale * min(ratio, 1.2) + 4, y + 13, ratio))
        if r["goal"]:
            gx = left + scale * r["goal"]
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>'
                       % (gx, y, gx, y + 18))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", required=True)
    ap.add_argument("--timeout", type=int, default=1500)
    args = ap.parse_args()

    runs, failed = {}, False
    for tree in ("base", "src"):
        for rep in (1, 2):
            rc, fig = run_guest(args.top, tree, rep, args.timeout)
            failed |= rc != 0
            runs[(tree, rep)] = fig

    repeat = {}
    for tree in ("base", "src"):
        a, b = runs[(tree, 1)], runs[(tree, 2)]
        diff = sorted(op for op in set(a) | set(b) if a.get(op) != b.get(op))
        repeat[tree] = diff
        if not a or not b:
            print("note: the %s runs cannot be compared: a run gave no figures" % tree)
        elif diff:
            print("note: the two %s runs differ in: %s" % (tree, ", ".join(diff)))
            for op in diff:
                print("  %-18s %s / %s ns" % (op, a.get(op), b.get(op)))
        else:
            print("note: the two %s runs gave the same figures" % tree)

    def best(tree):
        a, b = runs[(tree, 1)], runs[(tree, 2)]
        return {op: min(v for v in (a.get(op), b.get(op)) if v is not None)
                for op in set(a) | set(b)}

    def spread(op):
        """None unless both runs of both kernels have the figure."""
        worst = 0.0
        for tree in ("base", "src"):
            v = [runs[(tree, rep)].get(op) for rep in (1, 2)]
            if None in v or min(v) <= 0:
                return None
            worst = max(worst, max(v) / min(v) - 1)
        return worst

    base, patched = best("base"), best("src")
    rows = []
    for op in GOALS:
        bv, pv = base.get(op), patched.get(op)
        ratio = pv / bv if bv and pv else None
        goal = GOALS[op]
        if op == "pty_tcgets_2cpu":
            # Against one CPU on the same kernel: nothing shared is written.
            one = patched.get("pty_tcgets")
            ratio = pv / one if pv and one else None
        ok = None if goal is None or ratio is None else ratio <= goal
        rows.append({"op": op, "base_ns": bv, "patched_ns": pv, "ratio": ratio,
                     "goal": goal, "ok": ok, "spread": spread(op)})

    print()
    print("%-18s %12s %12s %8s %7s %7s" % ("operation", "base ns", "patched ns",
                                          "ratio", "goal", "spread"))
    for r in rows:
        fmt = lambda v: "%.1f" % v if v is not None else "-"
        print("%-18s %12s %12s %8s %7s %7s%s" % (
            r["op"], fmt(r["base_ns"]), fmt(r["patched_ns"]),
            "%.4f" % r["ratio"] if r["ratio"] is not None else "-",
            "%.3f" % r["goal"] if r["goal"] else "-",
            "%.1f%%" % (100 * r["spread"]) if r["spread"] is not None else "-",
            "" if r["ok"] is not False else "  over goal"))
    print("(each figure is the lower of the kernel's two runs; spread: the larger")
    print(" difference between the two runs of one kernel; pty_tcgets_2cpu: ratio")
    print(" is 2 CPUs / 1 CPU on the patched kernel)")

    b = os.path.join(args.top, "build")
    with open(os.path.join(b, "bench.json"), "w") as f:
        json.dump({"rows": rows, "repeat_mismatch": repeat}, f, indent=1)
    svg([r for r in rows if r["ratio"] is not None], os.path.join(b, "bench.svg"))
    print("==> build/bench.json, build/bench.svg")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Turn the outputs of one `make check` run into a per-test summary.

`report.py --scan LOG` only looks for splats in a console log (exit 1 if
there is one), for the other harness scripts.

Reads: the kselftest TAP of the guest, the console log (KUnit TAP, via the
kernel's own tools/testing/kunit/kunit.py parse, and every splat), and the
checkpatch results.  Prints one line per test and ends with
"N passed, N failed"; exits non-zero if anything failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys

SPLATS = [
    (r"\bBUG:", "BUG"),
    (r"\bWARNING:", "WARNING"),
    (r"KASAN:", "KASAN report"),
    (r"possible (recursive|circular) locking dependency|"
     r"inconsistent lock state|possible irq lock inversion|"
     r"suspicious RCU usage|lock held when returning to user space|"
     r"bad unlock balance detected", "lockdep report"),
    (r"blocked for more than \d+ seconds", "hung task"),
    (r"\bOops\b|general protection fault", "Oops"),
    (r"Kernel panic", "panic"),
    (r"UBSAN:", "UBSAN report"),
    (r"list_(add|del) corruption", "list corruption"),
    # The kicks of the tty and ALSA conversions must end every wait the
    # tests block in: the grace-period interruption of a revoke is only
    # expected for test_revoke's deliberately deaf waits.
    # %ps gives "name [module]" for a module's ops.
    (r"revoke: a method call on a file of (?!trv_revokable_ops\b)\S+"
     r"(?: \[\S+\])? sleeps where the kick did not reach it",
     "revoke interrupting a missed wait"),
    (r"revoke: a method call on a file of \S+(?: \[\S+\])? did not return "
     r"when interrupted", "revoke stuck"),
]


def kselftest_results(path):
    """Leaf results of the kselftest runner's TAP: (name, ok, skip, detail)."""
    out = []
    if not os.path.exists(path):
        return None
    suite = None
    inner = []
    said = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^# selftests: (\S+): (\S+)", line)
        if m:
            suite = "%s/%s" % (m.group(1), m.group(2))
            inner = []
            said = []
            continue
        # What a kselftest_harness test printed since its "RUN" line.
        m = re.match(r"^# # (.*)$", line)
        if m and suite:
            text = m.group(1).strip()
            if re.match(r"RUN\s", text):
                said = []
            elif not re.match(r"(OK|FAIL|SKIP|XFAIL)\s", text):
                said.append(text)
            continue
        m = re.match(r"^# (ok|not ok) \d+ (.*?)(?:\s+#\s*(SKIP|skip)(.*))?$", line)
        if m and suite:
            name = m.group(2).strip()
            ok, skip = m.group(1) == "ok", bool(m.group(3))
            detail = (m.group(4) or "").strip()
            if not ok and not skip:
                # The messages of a failure, for the report and for
                # report.py --base-xfail.
                detail = "\n".join(said[:12])
            # kselftest_harness leaf results are "# ok N fixture.test".
            inner.append((suite + ": " + name, ok, skip, detail))
            said = []
            continue
        m = re.match(r"^(ok|not ok) \d+ selftests: (\S+): (\S+)(?:\s+#\s*(SKIP|TIMEOUT.*|exit=.*))?",
                     line)
        if m:
            ok = m.group(1) == "ok"
            skip = (m.group(4) or "").startswith("SKIP")
            name = "%s/%s" % (m.group(2), m.group(3))
            if inner:
                out.extend(inner)
                # A binary can fail without a failing leaf (crash, timeout).
                if not ok and all(r[1] for r in inner):
                    out.append((name, False, False, m.group(4) or "failed"))
            else:
                out.append((name, ok, skip, m.group(4) or ""))
            inner = []
            suite = None
    return out


def kunit_results(log, top, src):
    """KUnit test cases from the console log, parsed by kunit.py."""
    kunit = os.path.join(src, "tools/testing/kunit/kunit.py")
    jpath = log + ".kunit.json"
    if not os.path.exists(kunit):
        return [("kunit: kunit.py", False, False, "missing in %s" % src)]
    r = subprocess.run([sys.executable, kunit, "parse", "--json=" + jpath, log],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = []
    try:
        data = json.load(open(jpath))
    except (OSError, ValueError):
        return [("kunit: parse", False, False, r.stdout[-500:])]

    def walk(node, prefix):
        subs = node.get("sub_groups") or []
        cases = node.get("test_cases") or []
        for c in cases:
            st = c.get("status")
            out.append(("kunit: %s.%s" % (prefix, c.get("name")), st == "PASS",
                        st == "SKIP", "" if st == "PASS" else st))
        for s in subs:
            walk(s, prefix + "." + s.get("name", ""))

    # The top group is kunit.py's own wrapper; its sub-groups are the suites.
    for suite in data.get("sub_groups") or []:
        walk(suite, suite.get("name", ""))
    if not out:
        return [("kunit: tests ran", False, False, "no KUnit results in the log")]
    return out


def splat_results(log):
    text = open(log, errors="replace").read().splitlines()
    found = {}
    for i, line in enumerate(text):
        for pat, what in SPLATS:
            if re.search(pat, line) and what not in found:
                found[what] = "\n".join(text[max(0, i - 2):i + 12])
    res = [("log: no %s" % what, what not in found, False, found.get(what, ""))
           for _, what in SPLATS]
    return res


def base_xfail(rows, path):
    """On the unpatched base, the tests of the guarantees the series adds
    must fail (or they do not show the change) and every other test must
    pass.  PATH lists those tests, one a line: a regular expression matched
    against the whole row name, then " :: " and one that must be found in
    the failure's messages, so that a test failing for another reason (a
    missing device, a timeout of the setup) does not count.  A listed test
    that fails so is a pass here; one that passes, fails otherwise or
    skips is a failure, and so is a line that matches no row (a renamed
    test would otherwise go unchecked)."""
    pats = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, why = line.partition(" :: ")
        if not sep or not why.strip():
            sys.exit("error: %s: no ' :: ' and expected failure in: %s" % (path, line))
        pats.append((line, name.strip(), why.strip()))
    out = []
    used = set()
    for name, ok, skip, detail in rows:
        hit = [p for p in pats if re.fullmatch(p[1], name)]
        if not hit:
            out.append((name, ok, skip, detail))
            continue
        used.update(p[0] for p in hit)
        if skip:
            out.append((name + " (must fail on the base)", False, False,
                        "skipped on the unpatched base: %s" % detail))
        elif ok:
            out.append((name + " (must fail on the base)", False, False,
                        "passes on the unpatched base: it does not show "
                        "what the series changes"))
        elif not all(re.search(p[2], detail or "") for p in hit):
            out.append((name + " (must fail on the base as listed)", False, False,
                        "fails on the unpatched base, but not with /%s/:\n%s"
                        % ("/, /".join(p[2] for p in hit), detail or "(no message)")))
        else:
            out.append((name + " (fails on the base, as it must)", True, False, ""))
    for p in pats:
        if p[0] not in used:
            out.append(("base-xfail: %s" % p[1], False, False,
                        "no test of this run matches it (%s)" % path))
    return out


def print_rows(rows, tap=False):
    """One line per (name, ok, skip, detail) row, the detail of a failure
    indented below it: "PASS  name", or "ok name" with tap.  Returns the
    numbers passed, failed and skipped."""
    passed = failed = skipped = 0
    for name, ok, skip, detail in rows:
        if skip:
            skipped += 1
            if tap:
                print("ok %s # SKIP %s" % (name, detail))
            else:
                print("SKIP  %s%s" % (name, " (%s)" % detail if detail else ""))
        elif ok:
            passed += 1
            print(("ok %s" if tap else "PASS  %s") % name)
        else:
            failed += 1
            print(("not ok %s" if tap else "FAIL  %s") % name)
            for d in str(detail).splitlines():
                print(("    " if tap else "        ") + d)
    return passed, failed, skipped


def scan(log):
    """Print the first lines of every kind of splat in LOG; 1 if any."""
    if not os.path.exists(log):
        print("no console log at %s" % log)
        return 1
    bad = [(name, detail) for name, ok, _, detail in splat_results(log) if not ok]
    for name, detail in bad:
        print("%s:" % name.replace("log: no ", ""))
        for d in detail.splitlines()[:6]:
            print("    " + d)
    return 1 if bad else 0


def main():
    if sys.argv[1:2] == ["--scan"]:
        if len(sys.argv) != 3:
            sys.exit("usage: report.py --scan CONSOLE-LOG")
        return scan(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--guest-rc", type=int, required=True)
    ap.add_argument("--checkpatch", help="file of 'ok|not ok NAME' lines")
    ap.add_argument("--kunit", action="store_true")
    ap.add_argument("--base-xfail", help="tests that must fail on the base")
    args = ap.parse_args()

    rows = []
    rows.append(("guest: booted and ran the tests", args.guest_rc == 0, False,
                 {0: "", 1: "the guest's test command failed", 2: "the guest did not boot",
                  3: "timeout", 4: "the guest died before finishing"}.get(args.guest_rc,
                                                                          "rc %d" % args.guest_rc)))
    if os.path.exists(args.log):
        m = re.search(r"@@INIT-UP cpus=(\d+)", open(args.log, errors="replace").read())
        rows.append(("guest: at least 2 CPUs online", bool(m and int(m.group(1)) >= 2), False,
                     "cpus=%s" % (m.group(1) if m else "?")))
        if args.kunit:
            rows.extend(kunit_results(args.log, args.top, args.src))
        rows.extend(splat_results(args.log))
    ks = kselftest_results(os.path.join(args.results, "kselftest.tap"))
    if ks is None:
        rows.append(("kselftest: results", False, False, "no kselftest.tap from the guest"))
    elif not ks:
        rows.append(("kselftest: results", False, False, "no test ran"))
    else:
        rows.extend(ks)
    if args.checkpatch:
        for line in open(args.checkpatch):
            m = re.match(r"^(ok|not ok) (.*)", line.rstrip("\n"))
            if m:
                rows.append(("checkpatch: " + m.group(2), m.group(1) == "ok", False,
                             "see build/checkpatch.log" if m.group(1) != "ok" else ""))

    if args.base_xfail:
        rows = base_xfail(rows, args.base_xfail)
    passed, failed, skipped = print_rows(rows)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

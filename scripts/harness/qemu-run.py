#!/usr/bin/env python3
"""Boot a kernel of this project under QEMU (TCG) and supervise the guest.

The guest's root is the host's root, shared read-only over virtio-9p;
scripts/harness/guest/init.sh is its init.  A second 9p share, the results
directory, is writable: the guest leaves its test output there, and asks the
host for things it cannot do itself (unplug or plug the USB audio device over
QMP) by dropping request files into it.

Serial lines: ttyS0 is the console and kernel log (captured to --log);
ttyS1 and ttyS2 are joined by this script like a null-modem cable, so a
getty on ttyS1 can be driven by expect on ttyS2 inside the guest.
ttyS3 is a line whose carrier never rises: QEMU passes it through to a
host pty, which has no modem lines, and this script drains what the guest
sends there. Not under --icount: the benchmark's machine stays as it was
(with the port, a control ioctl of snd-dummy took 875 guest instructions
more on both kernels, the other rows the same).

Every run has a deadline.  The exit status says how the run ended:
0 the guest finished and its command succeeded, 1 its command failed,
2 the guest did not boot, 3 timeout, 4 the guest died (panic, reboot)
before finishing.
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INIT = os.path.join(TOP, "scripts/harness/guest/init.sh")

EXIT_OK, EXIT_FAIL, EXIT_NOBOOT, EXIT_TIMEOUT, EXIT_DIED = 0, 1, 2, 3, 4


def log(msg):
    print("qemu-run: " + msg, file=sys.stderr, flush=True)


class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise IOError("QMP socket closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                continue
            return reply


def wait_socket(path, proc, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return None
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.05)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--run", default="",
                    help="guest command (a path under the repo, run by init); "
                    "empty: an interactive shell on the console")
    ap.add_argument("--results", required=True, help="host dir shared rw as 'results'")
    ap.add_argument("--log", required=True, help="console log file")
    ap.add_argument("--timeout", type=int, default=1200)
    ap.add_argument("--boot-timeout", type=int, default=180)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", default="2G")
    ap.add_argument("--icount", action="store_true",
                    help="-icount shift=0,sleep=off: guest time counts instructions")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--quiet", action="store_true", help="do not echo the console")
    args = ap.parse_args()

    if not os.path.isfile(args.kernel):
        log("no kernel at %s: build it first" % args.kernel)
        return EXIT_NOBOOT
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        log("qemu-system-x86_64 is not installed (make deps)")
        return EXIT_NOBOOT

    os.makedirs(args.results, exist_ok=True)
    for f in os.listdir(args.results):
        p = os.path.join(args.results, f)
        if os.path.isfile(p):
            os.unlink(p)
    interactive = not args.run
    tmp = tempfile.mkdtemp(prefix="revoke-qemu-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    s1_path = os.path.join(tmp, "ttyS1.sock")
    s2_path = os.path.join(tmp, "ttyS2.sock")
    nocarrier_master, nocarrier = os.openpty()

    cmdline = ("console=ttyS0,115200 root=root rootfstype=9p "
               "rootflags=trans=virtio,version=9p2000.L,msize=262144 ro "
               "init=%s panic=-1 oops=panic=0 printk.devkmsg=on "
               "revoke_top=%s revoke_run=%s %s" %
               (INIT, TOP, args.run or "shell", args.append))
    qargs = [
        qemu, "-machine", "pc",
        # icount needs one TCG thread for all vCPUs (no MTTCG).
        "-accel", "tcg,thread=%s" % ("single" if args.icount else "multi"),
        "-smp", str(args.smp),
        "-m", args.mem, "-nographic", "-no-reboot", "-monitor", "none",
        "-kernel", args.kernel, "-append", cmdline,
        "-fsdev", "local,id=rootfs,path=/,security_model=none,readonly=on,multidevs=remap",
        "-device", "virtio-9p-pci,fsdev=rootfs,mount_tag=root",
        "-fsdev", "local,id=resfs,path=%s,security_model=none" % os.path.abspath(args.results),
        "-device", "virtio-9p-pci,fsdev=resfs,mount_tag=results",
        "-chardev", "stdio,id=con,signal=%s" % ("on" if interactive else "off"),
        "-serial", "chardev:con",
        "-chardev", "socket,id=s1,path=%s,server=on,wait=off" % s1_path,
        "-serial", "chardev:s1",
        "-chardev", "socket,id=s2,path=%s,server=on,wait=off" % s2_path,
        "-serial", "chardev:s2",
        "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
        "-audiodev", "none,id=snd0",
        "-device", "qemu-xhci,id=xhci",
        "-device", "usb-audio,id=usbaudio0,bus=xhci.0,audiodev=snd0",
        "-nic", "none",
    ]
    if args.icount:
        qargs += ["-icount", "shift=0,sleep=off"]
    else:
        # After the other serial lines: it is ttyS3.
        qargs += ["-chardev", "serial,id=s3,path=%s" % os.ttyname(nocarrier),
                  "-serial", "chardev:s3"]

    logf = open(args.log, "wb")
    proc = subprocess.Popen(qargs, stdin=None if interactive else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=not interactive)
    start = time.monotonic()

    def kill():
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    try:
        return supervise(args, proc, logf, start, qmp_path, s1_path, s2_path,
                         nocarrier_master, interactive)
    except KeyboardInterrupt:
        log("interrupted")
        return EXIT_FAIL
    finally:
        kill()
        logf.close()
        os.close(nocarrier_master)
        os.close(nocarrier)
        shutil.rmtree(tmp, ignore_errors=True)


def supervise(args, proc, logf, start, qmp_path, s1_path, s2_path,
              nocarrier_master, interactive):
    out = proc.stdout.fileno()
    os.set_blocking(out, False)
    s1 = wait_socket(s1_path, proc)
    s2 = wait_socket(s2_path, proc)
    # QEMU makes its sockets one after the other; on a loaded host the
    # QMP one may come well after the serial lines.
    qs = wait_socket(qmp_path, proc)
    qmp = None
    if s1 is None or s2 is None or qs is None:
        log("QEMU did not start: see %s" % args.log)
        drain(proc, logf)
        return EXIT_NOBOOT
    try:
        qmp = Qmp(qs)
    except OSError as e:
        log("cannot talk QMP to QEMU: %s" % e)
        return EXIT_NOBOOT
    if interactive:
        # The terminal is the guest's console; just wait for it to end.
        os.set_blocking(out, True)
    booted = False
    done_rc = None
    tail = b""
    last_req_scan = 0.0
    socks = {s1: s2, s2: s1}
    while True:
        now = time.monotonic()
        elapsed = now - start
        if not booted and elapsed > args.boot_timeout:
            log("boot timeout: no init within %d s (console log: %s)" %
                (args.boot_timeout, args.log))
            show_tail(tail)
            return EXIT_NOBOOT
        if not interactive and elapsed > args.timeout:
            log("timeout: the guest did not finish within %d s (console log: %s)" %
                (args.timeout, args.log))
            show_tail(tail)
            return EXIT_TIMEOUT
        rl = [out, s1, s2] + ([nocarrier_master] if nocarrier_master >= 0 else [])
        r, _, _ = select.select(rl, [], [], 0.1)
        for fd in r:
            if fd is out:
                try:
                    data = os.read(out, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    # QEMU exited.
                    proc.wait()
                    if done_rc is not None:
                        return EXIT_OK if done_rc == 0 else EXIT_FAIL
                    if interactive:
                        return EXIT_OK
                    if not booted:
                        log("the guest did not boot (console log: %s)" % args.log)
                        show_tail(tail)
                        return EXIT_NOBOOT
                    log("the guest died before finishing (panic or reboot; "
                        "console log: %s)" % args.log)
                    show_tail(tail)
                    return EXIT_DIED
                logf.write(data)
                logf.flush()
                if not args.quiet or interactive:
                    sys.stdout.buffer.write(data)
                    sys.stdout.flush()
                tail = (tail + data)[-8192:]
                if not booted and b"@@INIT-UP" in tail:
                    booted = True
                m = re.search(rb"@@DONE rc=(\d+)", tail)
                if m and done_rc is None:
                    done_rc = int(m.group(1))
            elif fd == nocarrier_master:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    # Not while we hold the slave open; stop polling then.
                    nocarrier_master = -1
            else:
                try:
                    data = fd.recv(65536)
                except OSError:
                    data = b""
                if data:
                    try:
                        socks[fd].sendall(data)
                    except OSError:
                        pass
        if now - last_req_scan > 0.2:
            last_req_scan = now
            serve_requests(args.results, qmp)


def serve_requests(results, qmp):
    """Carry out host requests the guest dropped into the results dir.

    A request is host-req-NAME.json: {"qmp": COMMAND, "args": {...}}.
    The reply, QMP's answer, is written to host-rep-NAME.json.
    """
    try:
        names = os.listdir(results)
    except OSError:
        return
    for f in sorted(names):
        if not (f.startswith("host-req-") and f.endswith(".json")):
            continue
        path = os.path.join(results, f)
        rep = os.path.join(results, "host-rep-" + f[len("host-req-"):])
        try:
            with open(path) as fh:
                req = json.load(fh)
        except (OSError, ValueError):
            continue  # still being written
        os.unlink(path)
        try:
            reply = qmp.cmd(req["qmp"], **req.get("args", {}))
        except Exception as e:  # report it to the guest, which fails its test
            reply = {"error": {"desc": str(e)}}
        log("host request %s -> %s" % (json.dumps(req), json.dumps(reply)))
        with open(rep + ".tmp", "w") as fh:
            json.dump(reply, fh)
        os.rename(rep + ".tmp", rep)


def drain(proc, logf):
    try:
        proc.wait(timeout=5)
        data = proc.stdout.read()
        if data:
            logf.write(data)
            sys.stderr.buffer.write(data[-4000:])
    except Exception:
        pass


def show_tail(tail):
    text = tail.decode("utf-8", "replace").splitlines()[-25:]
    if text:
        log("last console lines:")
        for line in text:
            print("    " + line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

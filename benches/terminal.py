#!/usr/bin/env python3
"""Terminal-level benchmarks of the salesboard binary: the rows of SPEC §7 that only a real
terminal shows. Each board runs in its own pseudo-terminal (80×24 unless said otherwise);
every byte it writes is read and timed here.

usage: terminal.py BINARY DATABASE [--boards N] [--writes-per-second W] [--seconds S]
                   [--idle-seconds I] [--json FILE]

Measures, on DATABASE (which gets calls added, each noted 'bench'):
  first frame        start → the first byte, and → the first full frame (the Plan pane's
                     Σ totals row drawn with figures)
  memory             resident set (VmRSS) after the first full frame, and its peak (VmHWM)
  idle               CPU time and bytes written while nothing changes, over I seconds
  write → board      another process's `salesboard add call` → the first byte the board
                     writes about it (Activity pane), 10 times
  refresh bytes      bytes written for that refresh; and for a change of one deal's cost
                     (its rep's margin and the total's, on the Plan pane)
  many boards        N boards open while W calls a second are added for S seconds: every
                     write saved, no board showing an error, how far behind they fell
"""
import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time

ERRORS = re.compile(rb"(?i)(database is locked|database is busy|error|salesboard: )")


class Board:
    """One salesboard process on its own pseudo-terminal."""

    def __init__(self, binary, db, env, cols=80, rows=24):
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(binary, [binary, "--db", db, "--lang", "en"], env)
        self.pid, self.fd = pid, fd
        os.set_blocking(fd, False)
        self.out = bytearray()
        self.log = []  # (time, byte count) of every read

    def pump(self, timeout=0.0):
        """Reads what the board wrote; returns the number of bytes."""
        n = 0
        while True:
            r, _, _ = select.select([self.fd], [], [], timeout)
            if not r:
                return n
            try:
                chunk = os.read(self.fd, 65536)
            except (BlockingIOError, OSError):
                return n
            if not chunk:
                return n
            self.out += chunk
            self.log.append((time.monotonic(), len(chunk)))
            n += len(chunk)
            timeout = 0.0

    def wait_for(self, needle, limit=120.0, start=0):
        """Time (monotonic) at which `needle` first appears in the output after `start`."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            self.pump(0.005)
            i = self.out.find(needle, start)
            if i >= 0:
                # The read that brought it in.
                total = 0
                for t, n in self.log:
                    total += n
                    if total > i:
                        return t
        raise TimeoutError(f"{needle!r} not shown within {limit} s")

    def cpu_seconds(self):
        """CPU time of all the board's threads, in seconds (nanosecond counters from
        schedstat: clock-tick accounting is too coarse for an idle process)."""
        total = 0
        try:
            for task in os.listdir(f"/proc/{self.pid}/task"):
                with open(f"/proc/{self.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
        return total / 1e9

    def status(self, key):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])  # kB
        return None

    def keys(self, text):
        os.write(self.fd, text.encode())

    def quit(self):
        try:
            self.keys("q")
            for _ in range(100):
                self.pump(0.02)
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass


def add_call(binary, db, env, rep, note="bench"):
    return subprocess.Popen(
        [binary, "--db", db, "add", "call", "--rep", rep, "--duration", "5",
         "--outcome", "reached", "--note", note],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round((len(v) - 1) * q)))] if v else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("db")
    ap.add_argument("--boards", type=int, default=50)
    ap.add_argument("--writes-per-second", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--idle-seconds", type=float, default=60.0)
    ap.add_argument("--json")
    a = ap.parse_args()
    home = tempfile.mkdtemp(prefix="salesboard-bench-")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "TZ": os.environ.get("TZ", "UTC"),
        "SALESBOARD_CONFIG": "/nonexistent",
    }
    results = {}
    with sqlite3.connect(a.db) as c:
        reps = [r[0] for r in c.execute(
            "SELECT name FROM rep WHERE active = 1 AND hired_on <= date('now') ORDER BY id LIMIT 50")]

    # --- first frame, memory, idle -------------------------------------------------------
    b = Board(a.binary, a.db, env)
    first_byte = b.wait_for(b"\x1b")
    full = b.wait_for("Σ".encode())
    b.pump(0.5)
    results["first_byte_ms"] = (first_byte - b.started) * 1000
    results["first_full_frame_ms"] = (full - b.started) * 1000
    time.sleep(2)
    b.pump()
    results["rss_kb"] = b.status("VmRSS")
    results["rss_peak_kb"] = b.status("VmHWM")
    before_cpu, before_bytes = b.cpu_seconds(), len(b.out)
    end = time.monotonic() + a.idle_seconds
    while time.monotonic() < end:
        b.pump(0.2)
    idle_cpu = b.cpu_seconds() - before_cpu
    results["idle_seconds"] = a.idle_seconds
    results["idle_cpu_pct"] = idle_cpu / a.idle_seconds * 100
    results["idle_bytes"] = len(b.out) - before_bytes

    # --- a write by another process → the board ---------------------------------------
    b.keys("4")  # the Activity pane: calls per rep, the latest entries
    b.pump(1.0)
    delays, sizes = [], []
    for i in range(10):
        time.sleep(0.3 + (i * 0.37) % 0.9)  # land at different points of the poll cycle
        b.pump()
        mark = len(b.out)
        p = add_call(a.binary, a.db, env, reps[i % len(reps)])
        p.wait()
        committed = time.monotonic()
        if p.returncode != 0:
            raise SystemExit(f"add call failed: {p.stderr.read().decode()}")
        # The first byte after the write, then everything of that refresh.
        deadline = committed + 10
        while len(b.out) == mark and time.monotonic() < deadline:
            b.pump(0.002)
        if len(b.out) == mark:
            raise SystemExit("the board did not show the call within 10 s")
        first = min(t for t, _ in b.log if t >= committed)
        delays.append((first - committed) * 1000)
        b.pump(0.3)
        sizes.append(len(b.out) - mark)
    results["write_to_board_ms_p50"] = pct(delays, 0.5)
    results["write_to_board_ms_max"] = max(delays)
    results["refresh_bytes_call_activity_p50"] = pct(sizes, 0.5)

    # One deal's cost: the rep's margin and the total margin move (Plan pane).
    b.keys("1")
    b.pump(1.0)
    sizes = []
    with sqlite3.connect(a.db, timeout=15) as c:
        deal = c.execute(
            "SELECT id FROM deal WHERE stage = 'won' ORDER BY closed_at DESC LIMIT 1").fetchone()[0]
    for i in range(5):
        time.sleep(1.2)
        b.pump()
        mark = len(b.out)
        with sqlite3.connect(a.db, timeout=15) as c:
            c.execute("UPDATE deal SET cost = cost + ? WHERE id = ?", (1000 * (i + 1), deal))
        deadline = time.monotonic() + 5
        while len(b.out) == mark and time.monotonic() < deadline:
            b.pump(0.01)
        b.pump(0.3)
        sizes.append(len(b.out) - mark)
    results["refresh_bytes_one_margin_plan_p50"] = pct(sizes, 0.5)
    b.quit()

    # --- many boards and a stream of writes ---------------------------------------------
    if a.boards > 0:
        boards = []
        t0 = time.monotonic()
        for _ in range(a.boards):
            boards.append(Board(a.binary, a.db, env))
        ready = set()
        while len(ready) < len(boards) and time.monotonic() - t0 < 600:
            for i, x in enumerate(boards):
                x.pump(0.0)
                if i not in ready and "Σ".encode() in x.out:
                    ready.add(i)
            time.sleep(0.02)
        results["boards"] = a.boards
        results["boards_all_drawn_s"] = time.monotonic() - t0
        for x in boards:
            x.keys("4")
        cpu0 = sum(x.cpu_seconds() for x in boards)
        marks = [len(x.out) for x in boards]
        n = int(a.writes_per_second * a.seconds)
        procs, failed = [], 0
        start = time.monotonic()
        for i in range(n):
            due = start + i / a.writes_per_second
            while time.monotonic() < due:
                for x in boards:
                    x.pump(0.0)
                time.sleep(0.002)
            procs.append(add_call(a.binary, a.db, env, reps[i % len(reps)], note="bench-many"))
        last_write = time.monotonic()
        for p in procs:
            while p.poll() is None:
                for x in boards:
                    x.pump(0.0)
                time.sleep(0.002)
            if p.returncode != 0:
                failed += 1
                sys.stderr.write(p.stderr.read().decode())
        # Until every board has been quiet for 2 s: they have caught up.
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 2.0 and time.monotonic() - last_write < 300:
            if sum(x.pump(0.0) for x in boards):
                quiet_since = time.monotonic()
            time.sleep(0.01)
        caught_up = quiet_since - last_write
        cpu = sum(x.cpu_seconds() for x in boards) - cpu0
        shown_errors = sum(1 for x, m in zip(boards, marks) if ERRORS.search(bytes(x.out[m:])))
        with sqlite3.connect(a.db, timeout=15) as c:
            saved = c.execute("SELECT count(*) FROM activity WHERE note = 'bench-many'").fetchone()[0]
        results["writes"] = n
        results["writes_failed"] = failed
        results["writes_saved"] = saved
        results["boards_showing_an_error"] = shown_errors
        results["boards_caught_up_after_last_write_s"] = caught_up
        results["boards_cpu_cores_during_writes"] = cpu / (quiet_since - start)
        for x in boards:
            x.quit()
    with sqlite3.connect(a.db, timeout=15) as c:
        c.execute("DELETE FROM activity WHERE note IN ('bench', 'bench-many')")
    for k, v in results.items():
        print(f"{k:42} {v:.3f}" if isinstance(v, float) else f"{k:42} {v}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Where the CPU went during a load run: gunicorn, the Celery worker, PostgreSQL backends of the load database,
locust, and everything else on the machine (other people's work on the shared cores).

    python bench/load/cpu_account.py snapshot PORT DB > before.json
    ...
    python bench/load/cpu_account.py report before.json after.json [LOCUST_CPU_SECONDS]

Reads /proc (Linux): utime+stime of each process, and the machine's busy time from /proc/stat.
"""

from __future__ import annotations

import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def _category(cmdline: str, port: str, db: str) -> str | None:
    if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
        return "gunicorn"
    if "celery" in cmdline and "ptdv-load-" in cmdline:
        return "celery worker"
    if cmdline.startswith("postgres: ") and f" {db} " in cmdline:
        return "postgres (load db)"
    if "locust" in cmdline:
        return "locust"
    return None


def snapshot(port: str, db: str) -> dict:
    seconds: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        category = _category(cmdline, port, db)
        if category:
            seconds[category] = seconds.get(category, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    with open("/proc/stat") as handle:
        cpu = [int(v) for v in handle.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return {"at": time.time(), "busy": (sum(cpu) - idle) / TICK, "total": sum(cpu) / TICK, "seconds": seconds}


def report(before: dict, after: dict, locust_seconds: float | None = None) -> None:
    wall = after["at"] - before["at"]
    cores = os.cpu_count() or 1
    busy = after["busy"] - before["busy"]
    ours = 0.0
    print(f"CPU during the run ({wall:.0f} s, {cores} cores = {wall * cores:.0f} core-seconds):")
    for category in ("gunicorn", "postgres (load db)", "celery worker", "locust"):
        used = after["seconds"].get(category, 0.0) - before["seconds"].get(category, 0.0)
        if category == "locust" and locust_seconds is not None:  # it has exited: its own count (getrusage)
            used = locust_seconds
        ours += used
        print(f"  {category:20} {used:7.1f} s  {used / wall:5.2f} cores")
    others = max(0.0, busy - ours)
    print(f"  {'everything else':20} {others:7.1f} s  {others / wall:5.2f} cores (other work on the machine)")
    print(f"  {'machine busy':20} {busy:7.1f} s  {busy / wall:5.2f} of {cores} cores")


def main() -> None:
    if sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(sys.argv[2], sys.argv[3])))
    else:
        with open(sys.argv[2]) as first, open(sys.argv[3]) as second:
            report(json.load(first), json.load(second), float(sys.argv[4]) if len(sys.argv) > 4 else None)


if __name__ == "__main__":
    main()

# Set up: python bench/conversations_compare/setup_db.py /tmp/convprof/db10k 5000 10000, copy its
# bench.sqlite3 to /tmp/convprof/pristine.sqlite3, and export the previous commit (git archive HEAD~1
# crm_platform plugins/crm-conversations/crm_conversations) into /tmp/convprof/before.
"""Before/after in one run: the same mbox and database copy, each variant in a process of its own."""
import contextlib
import json
import os
import shutil
import subprocess
import sys

env = json.load(open("/tmp/convprof/db10k/env.json"))
PY = "/work/wt-conv/.venv/bin/python"
MBOX = "/tmp/convprof/db10k/mailbox.mbox"
CLI = "from crm_platform.cli import main; main()"
def fresh():
    shutil.copy("/tmp/convprof/pristine.sqlite3", "/tmp/convprof/db10k/bench.sqlite3")
    for f in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove("/tmp/convprof/db10k/bench.sqlite3" + f)
def timed(args, extra):
    wrapper = ("import resource, subprocess, sys, json, time; s = time.perf_counter();"
               "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
               "print(json.dumps([time.perf_counter() - s, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))")
    out = subprocess.run([PY, "-c", wrapper, PY, "-c", CLI, *args], env={**env, **extra}, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])
variants = {"before": {"PYTHONPATH": "/tmp/convprof/before:/tmp/convprof/before/plugins/crm-conversations"},
            "after": {}}
n = int(sys.argv[1])
print("load average", os.getloadavg())
for _round in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
    for name, extra in variants.items():
        fresh()
        start = timed(["plugins", "list"], extra)
        dry = timed(["conversations", "import", MBOX, "--dry-run"], extra)
        commit = timed(["conversations", "import", MBOX], extra)
        again = timed(["conversations", "import", MBOX], extra)
        for what, (wall, cpu, rss) in (("start-up (crm plugins list)", start), ("dry run", dry), ("commit", commit), ("re-import", again)):
            print(f"{name:6} {what:28} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {n / wall:7.0f} msg/s  {n / cpu:7.0f} msg/CPU-s  "
                  f"{1000 * cpu / n:6.2f} CPU-ms/msg  {1000 * (cpu - start[1]) / n:6.2f} CPU-ms/msg net of start-up  rss {rss:5.0f} MB", flush=True)
print("load average", os.getloadavg())

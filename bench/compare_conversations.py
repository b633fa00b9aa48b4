"""A mailbox import before and after a change, in one run: the same mbox into copies of the
same SQLite database, each variant in a process of its own, so the machine's load weighs on
both alike.

    python -m bench.compare_conversations REVISION [MESSAGES] [CONTACTS] [ROUNDS]

REVISION (``HEAD~1``, a branch) is exported with ``git archive`` and put first on the path of
the "before" processes; "after" is the working tree. CPU is the child's user + system time;
"net" takes away the start-up CPU of ``crm plugins list``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench import _database
from bench.bench_conversations import CLI, _write_mbox

ROOT = Path(__file__).resolve().parent.parent
# Child CPU and peak memory, measured from a wrapper process that runs the command.
WRAPPER = (
    "import json, resource, subprocess, sys, time; start = time.perf_counter();"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(json.dumps([time.perf_counter() - start, used.ru_utime + used.ru_stime, used.ru_maxrss / 1024]))"
)


def _export(revision: str, folder: Path) -> str:
    archive = subprocess.run(["git", "archive", revision, "crm_platform", "plugins/crm-conversations/crm_conversations"],
                             cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return os.pathsep.join([str(folder), str(folder / "plugins" / "crm-conversations")])


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", WRAPPER, sys.executable, "-c", CLI, *args], env=env, check=True,
                         capture_output=True, text=True).stdout
    wall, cpu, rss = json.loads(out.strip().splitlines()[-1])
    return wall, cpu, rss


def main(revision: str, messages: int = 5000, contacts: int = 10000, rounds: int = 1) -> None:
    with tempfile.TemporaryDirectory(prefix="crm-compare-") as workdir:
        folder = Path(workdir)
        db = _database.build("sqlite", contacts, folder)
        env = {**os.environ, **db.environment, "CRM_IMPORTS_DIR": str(folder / "imports"),
               "CRM_PLUGINS": "conversations"}
        subprocess.run([sys.executable, "-c", CLI, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-c", CLI, "settings", "set", "conversations", "own_addresses",
                        "acme.example"], env=env, check=True, capture_output=True)
        mbox = folder / "mailbox.mbox"
        _write_mbox(mbox, messages, contacts)
        database = Path(db.environment["CRM_DATABASE_URL"].removeprefix("sqlite:///"))
        pristine = folder / "pristine.sqlite3"
        shutil.copy(database, pristine)
        variants = {"before": {"PYTHONPATH": _export(revision, folder / "before")}, "after": {}}
        print("load average", os.getloadavg())
        for _ in range(rounds):
            for name, extra in variants.items():
                for suffix in ("-wal", "-shm"):
                    Path(f"{database}{suffix}").unlink(missing_ok=True)
                shutil.copy(pristine, database)
                run_env = {**env, **extra}
                start = _timed(["plugins", "list"], run_env)
                steps = {"dry run": ["conversations", "import", str(mbox), "--dry-run"],
                         "commit": ["conversations", "import", str(mbox)],
                         "re-import": ["conversations", "import", str(mbox)]}
                for what, args in steps.items():
                    wall, cpu, rss = _timed(args, run_env)
                    print(f"{name:6} {what:9} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {messages / wall:6.0f} msg/s  "
                          f"{messages / cpu:6.0f} msg/CPU-s  {1000 * (cpu - start[1]) / messages:5.2f} CPU-ms/msg "
                          f"net of start-up  rss {rss:4.0f} MB", flush=True)
        print("load average", os.getloadavg())


if __name__ == "__main__":
    main(sys.argv[1], *(int(value) for value in sys.argv[2:5]))

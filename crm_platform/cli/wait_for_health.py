"""``python -m crm_platform.cli.wait_for_health URL --pid PID``: wait until the server answers.

``make run`` starts the server in the background and prints how to sign in only once this
returns, so that line comes after the server's start-up messages, not before a dead server.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def _alive(pid: int) -> bool:
    # A server that died stays a zombie until the shell that started it waits for it.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[-1].split()[0] == "Z":
                return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_for_health(url: str, pid: int | None, timeout: float) -> str | None:
    """``None`` once ``url`` answers 200; else why it never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not _alive(pid):
            return "the server stopped before it answered"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return f"no answer from {url} after {timeout:g} seconds"


def main() -> None:
    parser = argparse.ArgumentParser(description="Wait until the CRM server answers its health check.")
    parser.add_argument("url")
    parser.add_argument("--pid", type=int, default=None, help="Give up when this process has ended.")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    problem = wait_for_health(args.url, args.pid, args.timeout)
    if problem:
        sys.exit(f"crm: {problem}")


if __name__ == "__main__":
    main()

"""`quizsvc serve --with-worker` (make serve): gunicorn and the worker live and die together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SUPERVISE = (
    "import sys, json\n"
    "from quizsvc.cli.serve import supervise\n"
    "sys.exit(supervise(json.loads(sys.argv[1])))\n"
)


def child(pid_file: Path, then: str = "exec sleep 60") -> list[str]:
    return ["sh", "-c", f"echo $$ > {pid_file}; {then}"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by init in this container) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def supervisor(commands: dict[str, list[str]]) -> subprocess.Popen[bytes]:
    import json

    return subprocess.Popen([sys.executable, "-c", SUPERVISE, json.dumps(commands)])


def pids(*files: Path, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while not all(f.exists() and f.read_text().strip() for f in files):
        assert time.monotonic() < deadline, "children did not start"
        time.sleep(0.05)
    return [int(f.read_text()) for f in files]


def gone(found: list[int], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in found):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_when_one_child_exits_the_other_is_stopped(tmp_path: Path) -> None:
    web, worker = tmp_path / "web", tmp_path / "worker"
    run = supervisor({"gunicorn": child(web), "worker": child(worker, "exit 3")})
    (web_pid,) = pids(web)
    assert run.wait(timeout=60) == 3  # the worker's status
    assert gone([web_pid])


def test_stopping_the_supervisor_stops_both(tmp_path: Path) -> None:
    files = [tmp_path / "web", tmp_path / "worker"]
    run = supervisor({"gunicorn": child(files[0]), "worker": child(files[1])})
    found = pids(*files)
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=60)
    assert gone(found)


def test_a_killed_supervisor_takes_its_children_along(tmp_path: Path) -> None:
    files = [tmp_path / "web", tmp_path / "worker"]
    run = supervisor({"gunicorn": child(files[0]), "worker": child(files[1])})
    found = pids(*files)
    run.send_signal(signal.SIGKILL)  # no chance to clean up: the kernel does (PDEATHSIG)
    run.wait(timeout=60)
    assert gone(found)

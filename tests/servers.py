"""Local server processes for the tests: a free port, and a process that runs until the test is done.

Usage::

    port = free_port()
    with running([chroma, "run", "--port", str(port)], log, ready=lambda: answers(url), name="chroma server"):
        ...  # the server answers here; it is stopped on leaving the block
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    """True when a GET of ``url`` succeeds; an OSError (refused, HTTP error) when it does not yet."""
    with urllib.request.urlopen(url, timeout=2):
        return True


@contextmanager
def running(
    command: list[str],
    log: Path,
    ready: Callable[[], bool],
    name: str,
    timeout_s: float = 60,
    **popen: Any,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` with its output in ``log``, wait until ``ready()`` (an OSError counts as not yet),
    and stop it on leaving; the test fails if it exits or is not ready within ``timeout_s``."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                pytest.fail(f"{name} exited:\n{log.read_text(errors='replace')}")
            try:
                if ready():
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer within {timeout_s} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

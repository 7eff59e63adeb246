"""What the benchmarks that start `assistant serve` share: start it, wait for its page, read its
peak memory (core.py and scale.py report both)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_start(
    command: Sequence[str], env: dict[str, str], cwd: Path, timeout_s: float, settle_s: float = 0
) -> tuple[float, float]:
    """Start ``command`` (``assistant``) with ``serve``; the seconds until its page answers and
    its peak resident memory (VmHWM, MB) ``settle_s`` seconds after that. Stops it on return."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.monotonic() - started < timeout_s:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            raise RuntimeError(f"serve did not answer within {timeout_s:.0f} s")
        ready_s = time.monotonic() - started
        time.sleep(settle_s)
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak_kb = int(status.split("VmHWM:")[1].split()[0])
        return ready_s, peak_kb / 1024
    finally:
        process.terminate()
        process.wait(timeout=60)

"""A real redis-server for the tests, on a free loopback port with its own temporary directory.

`make test` installs Debian's redis-server where it is missing; the tests that need it are
skipped, saying why, only when the binary cannot be found at all.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

CANDIDATES = ("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server")


def find_redis_server() -> str | None:
    """The path of the redis-server binary, if there is one."""
    found = shutil.which("redis-server")
    if found:
        return found
    return next((path for path in CANDIDATES if Path(path).is_file()), None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process that a test can stop and start again on the same port."""

    def __init__(self, binary: str, directory: Path, persistent: bool = False) -> None:
        self.binary = binary
        self.directory = directory
        self.persistent = persistent
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis:// URL of the server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (no persistence) and wait until it answers."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.directory), "--save", "", "--protected-mode", "no",
             # Persistent: every write is on disk before it is acknowledged, as in production.
             *(["--appendonly", "yes", "--appendfsync", "always"] if self.persistent
               else ["--appendonly", "no"])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server at once, as if it crashed."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def flush(self) -> None:
        """Empty every database."""
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()


def _binary() -> str:
    binary = find_redis_server()
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install -y redis-server; "
                    "`make test` installs it)")
    return binary


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the whole session."""
    with tempfile.TemporaryDirectory(prefix="qoldau-redis-") as directory:
        server = RedisServer(_binary(), Path(directory))
        server.start()
        yield server
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of the session's Redis, emptied for this test."""
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, which the test may stop and start again; it keeps
    its data on disk across restarts, like a production Redis with AOF."""
    server = RedisServer(_binary(), tmp_path, persistent=True)
    server.start()
    yield server
    server.stop()

"""Throwaway local servers for the benchmark and the tests: a PostgreSQL cluster and a
Redis server on 127.0.0.1, in a temporary directory, gone when the block ends.

They use Debian's binaries (`postgresql`, `redis-server`); `available()` says whether
they are installed.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((str(v / name) for v in versions if (v / name).exists()), None)


def postgres_available() -> bool:
    return bool(pg_bin("initdb") and pg_bin("pg_ctl"))


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root: use the postgres account when we are root
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def postgres(max_connections: int = 100) -> Iterator[str]:
    """A fresh cluster; yields its SQLAlchemy URL (database `postgres`, user `s4c`)."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed "
                           "(apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="s4c-pg-"))
    data = tmp / "data"
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    port = free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "s4c", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"]), check=True,
                   capture_output=True)
    subprocess.run(_as_postgres([
        pg_ctl, "-D", str(data), "-w", "-l", str(tmp / "log"),
        "-o", f"-p {port} -h 127.0.0.1 -k {tmp} -F -N {max_connections}", "start"]),
        check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://s4c@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def redis() -> Iterator[str]:
    """A fresh Redis server without persistence; yields its URL."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    tmp = Path(tempfile.mkdtemp(prefix="s4c-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

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


class PostgresCluster:
    """A throwaway cluster that can be stopped and started again in place (same data, same
    port): how a test sees what the app does while its database server is down."""

    def __init__(self, data: Path, log: Path, socket_dir: Path, port: int,
                 max_connections: int) -> None:
        self.data, self.log, self.socket_dir, self.port = data, log, socket_dir, port
        self.max_connections = max_connections
        self.url = f"postgresql+psycopg://s4c@127.0.0.1:{port}/postgres"

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        pg_ctl = pg_bin("pg_ctl") or "pg_ctl"  # found when the cluster was made
        subprocess.run(_as_postgres([pg_ctl, "-D", str(self.data), *args]), check=check,
                       capture_output=True)

    def start(self) -> None:
        """Starts the server and waits until it accepts connections (`pg_ctl -w`)."""
        self._pg_ctl("-w", "-l", str(self.log), "-o",
                     f"-p {self.port} -h 127.0.0.1 -k {self.socket_dir} -F "
                     f"-N {self.max_connections}", "start")

    def stop(self, check: bool = True) -> None:
        """Stops the server at once (`-m immediate`: every connection is cut, as in a
        crash); `pg_ctl -w` returns when it is down."""
        self._pg_ctl("-w", "-m", "immediate", "stop", check=check)


@contextmanager
def postgres_cluster(max_connections: int = 100) -> Iterator[PostgresCluster]:
    """A fresh cluster, started; yields it (its SQLAlchemy URL: database `postgres`, user
    `s4c`). Gone when the block ends."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed "
                           "(apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="s4c-pg-"))
    data = tmp / "data"
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "s4c", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"]), check=True,
                   capture_output=True)
    cluster = PostgresCluster(data, tmp / "log", tmp, free_port(), max_connections)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop(check=False)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def postgres(max_connections: int = 100) -> Iterator[str]:
    """A fresh cluster; yields its SQLAlchemy URL (database `postgres`, user `s4c`)."""
    with postgres_cluster(max_connections) as cluster:
        yield cluster.url


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

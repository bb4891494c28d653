"""Running an ACA-Py 1.7 agent on 127.0.0.1: its command line, secrets and lifecycle.

The agent keeps an askar (SQLite) wallet under its home directory (`ACAPY_HOME`), runs with no
ledger, and its admin API always requires an API key. Secrets (admin API key, wallet key)
reach the agent through its environment (`ACAPY_ADMIN_API_KEY`, `ACAPY_WALLET_KEY`), never
its command line, so other local users cannot read them from the process list. The s4c
plugin (`issuer.aries.acapy_plugin`) is always loaded: without it the agent fetches
unknown JSON-LD contexts over the network.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from issuer.aries.agent import AgentClient, AgentError, AgentUnavailable

PLUGIN = "issuer.aries.acapy_plugin"
START_TIMEOUT_S = 30.0

# The flags a DIDComm role needs so that its side of a protocol runs without a person.
ISSUER_FLAGS = ("--auto-accept-requests", "--auto-respond-credential-request",
                "--auto-respond-presentation-proposal", "--auto-ping-connection",
                "--preserve-exchange-records")
# A holder (wallet) agent; ACA-Py 1.7.0 can neither receive a credentialStatus array nor
# present a VC 2.0 credential without the fixes in `issuer.aries.acapy_holder_fixes`.
HOLDER_FLAGS = ("--auto-accept-invites", "--auto-accept-requests",
                "--auto-respond-credential-offer", "--auto-store-credential",
                "--auto-respond-presentation-request", "--preserve-exchange-records",
                "--plugin", "issuer.aries.acapy_holder_fixes")
STOCK_HOLDER_FLAGS = HOLDER_FLAGS[:-2]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_or_create_secret(path: Path) -> str:
    """A random secret kept in a 0600 file (created with O_EXCL the first time)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="ascii").strip()
        if not value:
            raise AgentError(f"{path} is empty: delete it to generate a new secret") from None
        return value
    with os.fdopen(fd, "w", encoding="ascii") as f:
        value = secrets.token_urlsafe(32)
        f.write(value + "\n")
    return value


@dataclass(frozen=True)
class AgentConfig:
    """One agent: where its wallet lives, its two ports and its secrets."""

    home: Path  # ACAPY_HOME: the askar wallet and the log file live here
    admin_port: int
    inbound_port: int
    api_key: str = field(repr=False)
    wallet_key: str = field(repr=False)
    label: str = "s4c issuer"
    wallet_name: str = "s4c"
    flags: tuple[str, ...] = ISSUER_FLAGS
    did_documents: Path | None = None  # pinned DID documents served by the plugin
    allow_seed: bool = True  # the issuer key is imported with a seed (see agent.py)
    log_level: str = "warning"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.inbound_port}"

    @property
    def log_file(self) -> Path:
        return self.home / "agent.log"

    def command(self) -> list[str]:
        """`aca-py start ...` (run as `python -m acapy_agent` of this interpreter)."""
        cmd = [sys.executable, "-m", "acapy_agent", "start", "--no-ledger",
               "--wallet-type", "askar", "--wallet-name", self.wallet_name, "--auto-provision",
               "--admin", "127.0.0.1", str(self.admin_port),
               "--inbound-transport", "http", "127.0.0.1", str(self.inbound_port),
               "--outbound-transport", "http", "--endpoint", self.endpoint,
               "--label", self.label, "--log-level", self.log_level,
               "--plugin", PLUGIN, *self.flags]
        if self.allow_seed:
            cmd.append("--wallet-allow-insecure-seed")
        if self.did_documents is not None:
            cmd += ["--plugin-config-value", f"s4c.did_documents={self.did_documents}"]
        return cmd

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACAPY_")}
        env.update(ACAPY_HOME=str(self.home), ACAPY_ADMIN_API_KEY=self.api_key,
                   ACAPY_WALLET_KEY=self.wallet_key)
        return env

    def client(self, timeout: float = 30.0) -> AgentClient:
        return AgentClient(self.admin_url, self.api_key, timeout=timeout)


def write_did_documents(path: Path, documents: Iterable[dict]) -> Path:
    """The pinned DID documents file the plugin reads (DID -> document), written atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({d["id"]: d for d in documents}, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


class AgentProcess:
    """A running agent; `start()` returns once its admin API and the plugin are ready."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = START_TIMEOUT_S) -> AgentClient:
        self.launch()
        return self.wait_ready(timeout)

    def launch(self) -> None:
        """Starts the process without waiting (several agents can boot in parallel)."""
        self.config.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.config.log_file, "ab") as log:
            self.process = subprocess.Popen(self.config.command(), env=self.config.environment(),
                                            stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> AgentClient:
        """Waits for the admin API and the s4c plugin's loader; AgentError if it exits."""
        if self.process is None:
            raise AgentError("the agent was not launched")
        client = self.config.client()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AgentError(f"the ACA-Py agent exited with code {self.process.returncode}"
                                 f": {self.log_tail()}")
            try:
                if client.ready() and client.pinned_loader().get("bound"):
                    return client
            except AgentUnavailable:
                pass
            except AgentError as e:
                if e.status != 503:  # 503: the admin server is up, the agent not yet
                    raise
            if time.monotonic() > deadline:
                self.stop()
                raise AgentError(f"the ACA-Py agent was not ready after {timeout:.0f} s: "
                                 f"{self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, chars: int = 1500) -> str:
        try:
            return self.config.log_file.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to the agent (its own process group), SIGKILL if it does not stop."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)

    def __enter__(self) -> AgentClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def temporary_agent(home: Path, *, label: str, flags: tuple[str, ...],
                    did_documents: Path | None = None) -> AgentProcess:
    """An agent with fresh secrets and free ports under `home` (tests, benchmarks)."""
    return AgentProcess(AgentConfig(
        home=home, admin_port=free_port(), inbound_port=free_port(),
        api_key=secrets.token_urlsafe(24), wallet_key=secrets.token_urlsafe(24), label=label,
        flags=flags, did_documents=did_documents))

"""The development agent of one data directory (`s4c agent start`) and how s4c finds its agent.

Layout under `<data_dir>/agent/` (directory 0700, secrets 0600): `admin-api-key`,
`wallet-key`, `agent.json` (admin URL and DIDComm endpoint of the running agent, no secret),
`did-documents.json` (the issuer's DID document, served to the agent by the s4c plugin) and
`home/` (ACA-Py's askar SQLite wallet and the agent's log).

The controller's agent comes from `S4C_AGENT_URL` and `S4C_AGENT_API_KEY` when both are set
(an agent run elsewhere), else from the local agent's files.
"""
import json
import os
from collections.abc import Mapping
from pathlib import Path

from issuer.aries.agent import AgentClient, AgentError
from issuer.aries.process import ISSUER_FLAGS, AgentConfig, read_or_create_secret

URL_ENV, KEY_ENV = "S4C_AGENT_URL", "S4C_AGENT_API_KEY"
DEFAULT_ADMIN_PORT = 8031


def agent_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "agent"


def local_agent_config(data_dir: Path, admin_port: int = DEFAULT_ADMIN_PORT,
                       inbound_port: int | None = None) -> AgentConfig:
    """The development agent's configuration; creates its secrets the first time."""
    base = agent_dir(data_dir)
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(base, 0o700)
    return AgentConfig(
        home=base / "home", admin_port=admin_port,
        inbound_port=inbound_port or admin_port - 1,
        api_key=read_or_create_secret(base / "admin-api-key"),
        wallet_key=read_or_create_secret(base / "wallet-key"),
        did_documents=base / "did-documents.json", flags=ISSUER_FLAGS)


def record_running(data_dir: Path, config: AgentConfig) -> None:
    """Notes where the running agent listens (`agent.json`, no secret in it)."""
    path = agent_dir(data_dir) / "agent.json"
    path.write_text(json.dumps({"admin_url": config.admin_url, "endpoint": config.endpoint,
                                "pid": os.getpid()}, indent=2) + "\n", encoding="utf-8")


def agent_client(data_dir: Path, environ: Mapping[str, str] | None = None,
                 timeout: float = 10.0) -> AgentClient:
    """The issuer's agent: S4C_AGENT_URL + S4C_AGENT_API_KEY, else the local agent."""
    env = os.environ if environ is None else environ
    if env.get(URL_ENV) and env.get(KEY_ENV):
        return AgentClient(env[URL_ENV], env[KEY_ENV], timeout=timeout)
    base = agent_dir(data_dir)
    try:
        running = json.loads((base / "agent.json").read_text(encoding="utf-8"))
        key = (base / "admin-api-key").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        raise AgentError(f"no Aries agent is configured: run `s4c agent start`, or set "
                         f"{URL_ENV} and {KEY_ENV}") from None
    return AgentClient(str(running["admin_url"]), key, timeout=timeout)

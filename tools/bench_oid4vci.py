"""Throughput of OpenID4VCI issuing through the production server (benchmark, not a test):
complete pre-authorized code flows for SD-JWT VCs against `s4c serve` (gunicorn, 2 workers)
on 127.0.0.1, with a fresh demo data directory.

Each flow is what a wallet does (OpenID4VCI 1.0 §6-§8, RFC 9449): a DPoP proof and
`POST /oid4vci/token` with the offer's pre-authorized code and tx_code, `POST /oid4vci/nonce`,
a key proof (openid4vci-proof+jwt) over the c_nonce, a DPoP proof with `ath` and
`POST /oid4vci/credential`. DPoP proofs carry the last `DPoP-Nonce` the server gave (RFC 9449
§8.2): a client is told to use one once (`use_dpop_nonce`), then keeps up. Every flow has its own offer (a code is used once), its own DPoP
key and its own holder key. A flow counts when the credential response holds an SD-JWT VC
(typ dc+sd-jwt) bound to that flow's holder key; the server's database must then hold one
copy per counted flow.

The offers are made beforehand, in this process and one transaction, against the same data
directory. The load comes from client processes (spawned, each with a few threads and its
own connection at a time per thread); they sign ES256 with `cryptography` directly (about
50 µs per signature) and speak just enough HTTP/1.1, so that they leave the CPU to the
server. Each client keeps its connection open between requests, as wallets' HTTP stacks do,
when the server lets it (gunicorn's sync workers close it after every response).
"""
import base64
import hashlib
import json
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HOLDER = "maria-ivanova@example.org"  # a demo holder with active credentials
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
WARM_FLOWS = 20  # before the clock starts: both workers have read their keys


class FlowError(RuntimeError):
    """A flow that did not end in an SD-JWT VC bound to its holder key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Key:
    """A fresh P-256 key, as a wallet makes one per DPoP binding and per credential."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                    "y": _b64(numbers.y.to_bytes(32, "big"))}

    def jwt(self, typ: str, claims: dict) -> str:
        header = {"typ": typ, "alg": "ES256", "jwk": self.jwk}
        signing_input = (_b64(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + _b64(json.dumps(claims, separators=(",", ":")).encode()))
        r, s = decode_dss_signature(self.private.sign(signing_input.encode(),
                                                      ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class _Closed(OSError):
    """The server closed the connection."""


class _Client:
    """A wallet's HTTP/1.1 client, as lean as can be so that the server gets the cores. It
    keeps its connection open between requests (HTTP/1.1 persistent connections, RFC 9112
    §9.3, as wallets' HTTP stacks do) and opens a new one when the server closed it (gunicorn's
    sync workers close every connection after its response)."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.host = parts.netloc
        self.connection: socket.socket | None = None
        self.buffer = b""
        self.dpop_nonce: str | None = None  # the last DPoP-Nonce the server gave

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                   f"Content-Length: {len(body)}\r\n{head}\r\n").encode("latin-1") + body
        for attempt in (1, 2):
            reused = self.connection is not None
            try:
                if self.connection is None:
                    self.connection = socket.create_connection(self.address, timeout=60)
                    self.buffer = b""
                self.connection.sendall(request)
                status, response_headers, data = self._response()
                break
            except OSError as e:
                self.close()
                # a kept connection the server closed while idle: once more on a new one
                if not (reused and attempt == 1 and isinstance(e, _Closed)):
                    raise FlowError(f"{path}: {e!r}") from e
        if response_headers.get(b"connection", b"").lower() == b"close":
            self.close()
        if b"dpop-nonce" in response_headers:
            self.dpop_nonce = response_headers[b"dpop-nonce"].decode("ascii")
        try:
            return status, json.loads(data)
        except ValueError as e:
            raise FlowError(f"{path}: {status} {data[:300]!r}") from e

    def _response(self) -> tuple[int, dict[bytes, bytes], bytes]:
        """One response: its status line and headers, then Content-Length bytes of body."""
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.split(b"\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        try:
            status, length = int(status_line.split(b" ", 2)[1]), int(headers[b"content-length"])
        except (ValueError, IndexError, KeyError) as e:
            raise OSError(f"not an HTTP/1.1 response with a length: {head[:300]!r}") from e
        while len(self.buffer) < length:
            self._read()
        data, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, data

    def _read(self) -> None:
        if self.connection is None:
            raise _Closed("no connection")
        chunk = self.connection.recv(65536)
        if not chunk:
            raise _Closed("the server closed the connection" if self.buffer
                          else "the server closed the connection before answering")
        self.buffer += chunk

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def dpop(self, key: _Key, path: str, access_token: str | None = None) -> str:
        claims = {"htm": "POST", "htu": self.base + path, "iat": int(time.time()),
                  "jti": secrets.token_urlsafe(12)}
        if access_token is not None:
            claims["ath"] = _b64(hashlib.sha256(access_token.encode("ascii")).digest())
        if self.dpop_nonce is not None:
            claims["nonce"] = self.dpop_nonce
        return key.jwt("dpop+jwt", claims)

    def post_with_dpop(self, key: _Key, path: str, body: bytes, headers: dict[str, str],
                       access_token: str | None = None) -> tuple[int, dict]:
        """A request with a DPoP proof, made again once with the server's nonce when it asks
        for one (RFC 9449 §8: 400 at the token endpoint, §9: 401 at the credential one)."""
        for _ in range(2):
            status, answer = self.post(path, body, {
                **headers, "DPoP": self.dpop(key, path, access_token)})
            if answer.get("error") != "use_dpop_nonce":
                break
        return status, answer

    def flow(self, code: str, tx_code: str | None, configuration_id: str) -> str:
        """One complete pre-authorized flow; returns the SD-JWT VC (checked) or raises."""
        dpop_key, holder = _Key(), _Key()
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        if tx_code is not None:
            form["tx_code"] = tx_code
        status, body = self.post_with_dpop(dpop_key, "/oid4vci/token", urlencode(form).encode(),
                                           {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200 or body.get("token_type") != "DPoP":
            raise FlowError(f"token: {status} {body}")
        access_token = body["access_token"]
        status, body = self.post("/oid4vci/nonce", b"", {})
        if status != 200 or not isinstance(body.get("c_nonce"), str):
            raise FlowError(f"nonce: {status} {body}")
        proof = holder.jwt("openid4vci-proof+jwt", {"aud": self.base, "iat": int(time.time()),
                                                    "nonce": body["c_nonce"]})
        request = {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}}
        status, body = self.post_with_dpop(
            dpop_key, "/oid4vci/credential", json.dumps(request).encode(),
            {"Content-Type": "application/json", "Authorization": f"DPoP {access_token}"},
            access_token)
        if status != 200:
            raise FlowError(f"credential: {status} {body}")
        return _checked_sd_jwt(body, holder.jwk)


def _checked_sd_jwt(body: dict, holder_jwk: dict) -> str:
    """The one credential of a credential response, when it is an SD-JWT VC (compact JWS of
    typ dc+sd-jwt, then disclosures separated by `~`) bound to `holder_jwk` (`cnf.jwk`)."""
    credentials = body.get("credentials")
    if not isinstance(credentials, list) or len(credentials) != 1:
        raise FlowError(f"credential: not one credential in {str(body)[:200]}")
    text = credentials[0].get("credential") if isinstance(credentials[0], dict) else None
    if not isinstance(text, str) or "~" not in text:
        raise FlowError(f"credential: not an SD-JWT: {str(text)[:200]}")
    parts = text.split("~", 1)[0].split(".")
    try:
        header, payload = json.loads(_unb64(parts[0])), json.loads(_unb64(parts[1]))
    except (ValueError, IndexError) as e:
        raise FlowError(f"credential: unreadable SD-JWT: {text[:200]}") from e
    if len(parts) != 3 or header.get("typ") != "dc+sd-jwt" \
            or payload.get("cnf", {}).get("jwk", {}).get("x") != holder_jwk["x"]:
        raise FlowError(f"credential: not an SD-JWT VC bound to the holder key: {header}")
    return text


def run_clients(base: str, offers: list[tuple[str, str | None, str]], threads: int,
                start_at: float, deadline: float) -> dict:
    """One client process: `threads` connections take offers from `offers` until none is
    left or `deadline` (wall clock) passes; flows start at `start_at`."""
    pending = list(reversed(offers))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    sample: list[str] = []
    ends: list[float] = []

    def work() -> None:
        client = _Client(base)
        while time.time() < start_at:
            time.sleep(min(0.01, max(0.0, start_at - time.time())))
        while time.time() < deadline:
            with lock:
                if not pending:
                    break
                code, tx_code, configuration_id = pending.pop()
            started = time.perf_counter()
            try:
                credential = client.flow(code, tx_code, configuration_id)
            except FlowError as e:
                with lock:
                    errors.append(str(e)[:300])
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not sample:
                    sample.append(credential)
        client.close()
        with lock:
            ends.append(time.time())

    cpu = time.process_time()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"latencies": latencies, "errors": errors, "sample": sample, "end": max(ends),
            "cpu_s": time.process_time() - cpu}


def _server_cpu_s(server_pid: int) -> float:
    """CPU seconds (user and system) used so far by the server's worker processes (Linux
    /proc; 0 elsewhere)."""
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14, 15)
    except (OSError, ValueError, IndexError):
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q + 0.5) - 1)]


def measure_oid4vci_issue(n_seconds: float = 10, offers: int | None = None,
                          clients: int = 2, threads: int = 3,
                          serve_options: tuple[str, ...] = ()) -> dict:
    """Starts the server, runs complete pre-authorized flows from `clients` processes with
    `threads` connections each for at most `n_seconds` (or until `offers` are used: by
    default 500 a second, more than this machine completes), stops it; returns the rate of
    complete flows and their latency."""
    offers = offers or max(100, int(500 * n_seconds))
    from sqlalchemy import func, select

    from issuer.models import WalletCopy
    from tools.bench_api import (
        BenchError,
        _free_port,
        _s4c,
        _stop,
        _wait_ready,
        start_server,
    )
    from vc.sd_jwt_vc import verify_sd_jwt_vc
    from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy
    from web.wiring.datadir import issuer_service_for
    from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
    from web.wiring.settings import Settings

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="s4c-bench-oid4vci-") as tmp:
        env = {**os.environ, "S4C_DATA_DIR": str(Path(tmp) / "data"),
               "S4C_PUBLIC_URL": base, "S4C_KEY_PASSPHRASE": "benchmark passphrase"}
        for name in ("DATABASE_URL", "S4C_TRUST_LIST", "S4C_BROKER_URL", "S4C_SD_JWT_KEY",
                     "S4C_SD_JWT_CHAIN", "S4C_ALLOW_LOOPBACK_FETCH"):
            env.pop(name, None)
        _s4c(env, "init")
        _s4c(env, "registry", "seed-demo")
        _s4c(env, "demo")
        settings = Settings.from_environment(environ=env)
        service = issuer_service_for(settings)
        try:
            made = service.wallets.offers(HOLDER, ["dc+sd-jwt"], "bench", offers + WARM_FLOWS)
            anchors = sd_jwt_issuer_key(settings).anchors
        finally:
            service.engine.dispose()
        work = [(o.pre_authorized_code, o.tx_code, o.configuration_ids[0]) for o in made]
        server = start_server(env, port, "--job-workers", "0", *serve_options)
        try:
            _wait_ready(f"{base}/.well-known/openid-credential-issuer", server)
            warm = _Client(base)
            for code, tx_code, configuration_id in work[:WARM_FLOWS]:
                try:
                    warm.flow(code, tx_code, configuration_id)
                except FlowError as e:
                    raise BenchError(f"an OpenID4VCI flow failed before the load: {e}") from e
            work = work[WARM_FLOWS:]
            shares = [work[i::clients] for i in range(clients)]
            with ProcessPoolExecutor(clients, mp_context=get_context("spawn")) as pool:
                start_at = time.time() + 1.5 + 0.5 * clients  # after the clients import
                deadline = start_at + n_seconds
                server_cpu = _server_cpu_s(server.pid)
                outcomes = list(pool.map(run_clients, [base] * clients, shares,
                                         [threads] * clients, [start_at] * clients,
                                         [deadline] * clients))
                server_cpu = _server_cpu_s(server.pid) - server_cpu
        finally:
            _stop(server)
        engine = service.engine
        with engine.connect() as connection:
            recorded = connection.execute(select(func.count()).select_from(WalletCopy).where(
                WalletCopy.format == "dc+sd-jwt")).scalar_one()
        engine.dispose()
    latencies = [ms for outcome in outcomes for ms in outcome["latencies"]]
    errors = [e for outcome in outcomes for e in outcome["errors"]]
    if errors:
        raise BenchError(f"{len(errors)} OpenID4VCI flows failed under load: {errors[:3]}")
    if not latencies:
        raise BenchError("no OpenID4VCI flow completed")
    seconds = max(outcome["end"] for outcome in outcomes) - start_at
    sample = next(o["sample"][0] for o in outcomes if o["sample"])
    verified = verify_sd_jwt_vc(sample, keys=IssuerKeyPolicy(trust_anchors=anchors))
    return {"oid4vci_issue_per_s": round(len(latencies) / seconds, 1),
            "oid4vci_issue_p50_ms": round(statistics.median(latencies), 1),
            "oid4vci_issue_p99_ms": round(_percentile(latencies, 0.99), 1),
            "oid4vci_flows": len(latencies), "oid4vci_seconds": round(seconds, 2),
            # CPU time per flow: what the rate would be on idle cores, on a shared machine
            "oid4vci_server_cpu_ms_per_flow": round(server_cpu * 1000 / len(latencies), 2),
            "oid4vci_client_cpu_ms_per_flow": round(
                sum(o["cpu_s"] for o in outcomes) * 1000 / len(latencies), 2),
            "oid4vci_client_processes": clients,
            "oid4vci_connections": clients * threads,
            "oid4vci_copies_recorded": recorded - WARM_FLOWS,
            "oid4vci_sample_verified": verified.vct.startswith(base + "/vct/")}


if __name__ == "__main__":
    # python -m tools.bench_oid4vci [SECONDS [CLIENTS THREADS [S4C SERVE OPTIONS...]]]
    print(json.dumps(measure_oid4vci_issue(
        float(sys.argv[1]) if len(sys.argv) > 1 else 10,
        clients=int(sys.argv[2]) if len(sys.argv) > 2 else 2,
        threads=int(sys.argv[3]) if len(sys.argv) > 3 else 3,
        serve_options=tuple(sys.argv[4:]))))

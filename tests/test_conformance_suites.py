"""The public W3C and W3C-CCG conformance suites, run against a real `s4c serve`.

Each suite (copied to build/conformance/<suite> and installed by .ci/install-test-deps, from
../shared/conformance or $S4C_CONFORMANCE) runs with mocha's JSON reporter against one
`s4c serve` on a throwaway data directory, configured as a local implementation
(`localConfig.cjs`): the VC-API issuer (`POST /credentials/issue`, with an officer's API
token), the verifier (`POST /credentials/verify`, `/presentations/verify`). The server
accepts the W3C examples context the suites' credentials use (S4C_EXTRA_CONTEXTS), and only
here: a default server refuses it (the last test).

Every applicable test must pass. The others are listed in tests/conformance/exclusions.json,
each with its reason; a listed test that starts passing fails the run too, so that the list
stays honest. The README's "Conformance" section gives the counts.
"""
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from w3c_vectors import PROJECT_ROOT, on_ci, vectors_dir

from tools import throwaway

S4C = [sys.executable, "-m", "web.cli"]
BUILD = PROJECT_ROOT / "build" / "conformance"
EXCLUSIONS = PROJECT_ROOT / "tests" / "conformance" / "exclusions.json"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
SUITE_TIMEOUT_S = 240

# suite folder -> the tags its local implementation needs (each suite's README)
SUITES = {
    "vc-api-verifier-test-suite": {"verifiers": ["vc-api"]},
    "vc-api-issuer-test-suite": {"issuers": ["vc-api"]},
    "vc-di-eddsa-test-suite": {"issuers": ["eddsa-rdfc-2022", "eddsa-jcs-2022"],
                               "verifiers": ["eddsa-rdfc-2022", "eddsa-jcs-2022"]},
    "vc-data-model-2.0-test-suite": {"issuers": ["vc2.0"], "verifiers": ["vc2.0"],
                                     "vpVerifiers": ["vc2.0"]},
    "vc-bitstring-status-list-test-suite": {
        "issuers": ["BitstringStatusList"], "verifiers": ["BitstringStatusList"]},
}
IMPLEMENTATION = "s4c"
# The options the suites send with every verification (a suite's own per-request options
# win). Everything s4c checks decides `verified` except its accreditation check ("issuer"):
# the suites' issuers are in no registry of accredited certification bodies.
VERIFY_CHECKS = ["proof", "credentialStatus", "validFrom", "validUntil"]


def conformance_dir() -> Path | None:
    """$S4C_CONFORMANCE when set (and then only it), else ../shared/conformance."""
    configured = os.environ.get("S4C_CONFORMANCE")
    candidate = Path(configured) if configured else PROJECT_ROOT.parent / "shared" / \
        "conformance"
    return candidate if candidate.is_dir() else None


def _missing(what: str) -> None:
    if on_ci():
        pytest.fail(f"CI must run the conformance suites: {what}", pytrace=False)
    pytest.skip(what)


def _installed(suite: str) -> Path:
    folder = BUILD / suite
    if conformance_dir() is None:
        _missing("the conformance suites are missing: ../shared/conformance is not a folder "
                 "(set S4C_CONFORMANCE to where they are)")
    if not (folder / "node_modules" / ".bin" / "mocha").exists():
        _missing(f"{suite} is not installed in {folder}: run bash .ci/install-test-deps")
    return folder


# -- the server --------------------------------------------------------------------------
@dataclass
class Server:
    base: str
    did: str
    token: str


def extra_contexts(folder: Path) -> Path:
    """A folder pinning the W3C examples context by its SHA-256 (S4C_EXTRA_CONTEXTS)."""
    vectors = vectors_dir()
    if vectors is None:
        _missing("the W3C vectors (../shared/vectors) hold the examples context")
    source = vectors / "contexts" / "credentials-examples-v2.jsonld"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / "examples-v2.jsonld")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(
        {EXAMPLES_V2: {"file": "examples-v2.jsonld", "sha256": digest}}))
    return folder


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway TLS certificate for 127.0.0.1 (the suites send the issuer's token only
    over https; they do not check the certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def _env(data_dir: Path, port: int, contexts: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("S4C_") and k != "DATABASE_URL"}
    env.update({"S4C_DATA_DIR": str(data_dir), "S4C_PUBLIC_URL": f"https://127.0.0.1:{port}",
                "S4C_KEY_PASSPHRASE": "conformance suites passphrase"})
    if contexts is not None:
        env["S4C_EXTRA_CONTEXTS"] = str(contexts)
    return env


def _s4c(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*S4C, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _unverified_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate, on loopback
    return context


def _wait_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "s4c serve exited"
        try:
            with urllib.request.urlopen(f"{base}/.well-known/did.json", timeout=2,
                                        context=_unverified_tls()):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_server(tmp: Path, contexts: Path | None):
    """`s4c serve` on a fresh data directory, with an officer and its API token."""
    port = throwaway.free_port()
    env = _env(tmp / "data", port, contexts)
    _s4c(env, "init")
    token = _s4c(env, "officer", "add", "conformance", "--password",
                 "conformance officer password").rsplit(": ", 1)[1].strip()
    certfile, keyfile = self_signed(tmp / "tls")
    log = (tmp / "serve.log").open("w")
    process = subprocess.Popen([*S4C, "serve", "--port", str(port), "--workers", "2",
                                "--job-workers", "0", "--certfile", str(certfile),
                                "--keyfile", str(keyfile)],
                               env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"https://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
    except BaseException:
        _stop(process)
        raise
    did = "did:web:127.0.0.1%3A" + str(port)
    return process, Server(base, did, token)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if conformance_dir() is None:
        _missing("the conformance suites are missing: ../shared/conformance is not a folder "
                 "(set S4C_CONFORMANCE to where they are)")
    tmp = tmp_path_factory.mktemp("conformance")
    process, found = start_server(tmp, extra_contexts(tmp / "contexts"))
    yield found
    _stop(process)


# -- running a suite -------------------------------------------------------------------------
def local_config(server: Server, tags: dict[str, list[str]]) -> str:
    """The suite's localConfig.cjs: s4c as the one local implementation."""
    endpoints = {"issuers": "/credentials/issue", "verifiers": "/credentials/verify",
                 "vpVerifiers": "/presentations/verify"}
    implementation: dict = {"name": IMPLEMENTATION, "implementation": "s4c"}
    for kind, names in tags.items():
        entry = {"id": server.did, "endpoint": server.base + endpoints[kind], "tags": names}
        if kind == "issuers":  # the suites send it only over https
            entry["headers"] = {"Authorization": f"Bearer {server.token}"}
        else:
            entry["options"] = {"checks": VERIFY_CHECKS}
        implementation[kind] = [entry]
    config = {"settings": {"enableInteropTests": False, "testAllImplementations": False},
              "implementations": [implementation]}
    return "module.exports = " + json.dumps(config, indent=2) + ";\n"


def run_suite(folder: Path, server: Server, tags: dict[str, list[str]]) -> dict:
    """Runs the suite with mocha's JSON reporter; returns the report."""
    (folder / "localConfig.cjs").write_text(local_config(server, tags))
    report = folder / "s4c-report.json"
    report.unlink(missing_ok=True)
    env = {**os.environ, "NODE_TLS_REJECT_UNAUTHORIZED": "0"}  # our throwaway certificate
    done = subprocess.run(
        [str(folder / "node_modules" / ".bin" / "mocha"), "tests/", "--reporter", "json",
         "--reporter-option", f"output={report}", "--timeout", "15000",
         "--preserve-symlinks"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT_S,
        check=False)
    assert report.exists(), f"mocha wrote no report (exit {done.returncode}): " \
                            f"{done.stderr[-3000:]}"
    return json.loads(report.read_text())


def outcomes(report: dict) -> dict[str, str]:
    """'passed' or 'failed' by full test title (pending tests are not run by the suite)."""
    found = {t["fullTitle"]: "passed" for t in report["passes"]}
    found.update({t["fullTitle"]: "failed" for t in report["failures"]})
    return found


def failure_messages(report: dict) -> dict[str, str]:
    return {t["fullTitle"]: (t.get("err") or {}).get("message", "")[:300]
            for t in report["failures"]}


def exclusions(suite: str) -> tuple[dict[str, str], dict[str, str]]:
    """(failing tests with their reasons, passing tests that prove nothing, with why)."""
    listed = json.loads(EXCLUSIONS.read_text(encoding="utf-8")).get(suite, {})
    return listed.get("failing", {}), listed.get("passing, but not evidence", {})


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_conformance_suite(suite, server):
    folder = _installed(suite)
    report = run_suite(folder, server, SUITES[suite])
    results = outcomes(report)
    assert results, f"{suite} ran no test"
    failing, vacuous = exclusions(suite)
    messages = failure_messages(report)
    (folder / "s4c-outcomes.json").write_text(json.dumps(
        {"results": results, "messages": messages}, indent=1))
    unexpected = {t: messages[t] for t, r in results.items()
                  if r == "failed" and t not in failing}
    now_passing = [t for t in failing if results.get(t) == "passed"]
    vacuous_failing = [t for t in vacuous if results.get(t) != "passed"]
    gone = [t for t in [*failing, *vacuous] if t not in results]
    assert not unexpected, f"{suite}: {len(unexpected)} failing tests not listed in " \
                           f"{EXCLUSIONS.name}: {json.dumps(unexpected, indent=1)}"
    assert not now_passing, f"{suite}: listed as failing but now passing (take them out " \
                            f"of {EXCLUSIONS.name}): {now_passing}"
    assert not vacuous_failing, f"{suite}: listed as passing without evidence, but no " \
                                f"longer passing: {vacuous_failing}"
    assert not gone, f"{suite}: {EXCLUSIONS.name} lists tests the suite no longer has: {gone}"


# -- the examples context is for the suites only -------------------------------------------
def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60, context=_unverified_tls()) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def examples_credential() -> dict:
    """A credential using the W3C examples context, signed by a fresh did:key (its own
    issuer, so that only the context can make it fail)."""
    from vc import api
    from vc.contexts import ContextStore
    from vc.did_key import did_key_from_public_key
    from vc.multikey import Ed25519Multikey

    vectors = vectors_dir()
    if vectors is None:
        _missing("the W3C vectors (../shared/vectors) hold the examples context")
    key = Ed25519Multikey.generate()
    did = did_key_from_public_key(key.public_key)
    credential = {"@context": ["https://www.w3.org/ns/credentials/v2", EXAMPLES_V2],
                  "type": ["VerifiableCredential", "ExampleAlumniCredential"],
                  "issuer": did, "validFrom": "2024-01-01T00:00:00Z",
                  "credentialSubject": {"id": "did:example:alumna",
                                        "alumniOf": "The School of Examples"}}
    store = ContextStore({EXAMPLES_V2: vectors / "contexts" / "credentials-examples-v2.jsonld"})
    return api.sign(credential, key, store=store, suite="eddsa-rdfc-2022",
                    verification_method=f"{did}#{key.public_key_multibase}")


def test_the_examples_context_is_accepted_only_when_configured(server, tmp_path):
    credential = examples_credential()
    body = {"verifiableCredential": credential, "options": {"checks": ["proof"]}}
    status, answer = _post(f"{server.base}/credentials/verify", body)
    assert status == 200 and answer["verified"] is True, answer
    process, default = start_server(tmp_path, contexts=None)  # S4C_EXTRA_CONTEXTS unset
    try:
        status, answer = _post(f"{default.base}/credentials/verify", body)
    finally:
        _stop(process)
    assert status == 400 and answer["verified"] is False
    assert answer["verdict"] == "forged-or-malformed"
    terms = next(c for c in answer["checks"] if c["id"] == "terms")
    assert terms["outcome"] == "failed" and EXAMPLES_V2 in terms["reason"]

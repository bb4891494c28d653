"""`s4c vc sign|verify`: the command-line contract other tools call.

The main cases run the installed console script in a real subprocess; the many error cases
use click's CliRunner in-process (same code, no interpreter start-up), with sockets blocked.
"""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from check_results import SIGNATURE_MISMATCH, failed_checks
from click.testing import CliRunner, Result

from web.cli import main
from web.cli.vc_commands import MAX_INPUT_BYTES

S4C = Path(sys.executable).parent / "s4c"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
VECTOR_CREATED = "2023-02-24T23:36:38Z"
VECTOR_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_VM = f"did:key:{VECTOR_PUBLIC_KEY}#{VECTOR_PUBLIC_KEY}"
SIGNED_VECTORS = {
    "eddsa-rdfc-2022": "eddsa-rdfc-2022/signedDataInt.json",
    "eddsa-jcs-2022": "eddsa-jcs-2022/signedJCS.json",
    "Ed25519Signature2020": "Ed25519Signature2020/signedEdSig.json",
}


# --- helpers -------------------------------------------------------------------------------

def context_arg(vectors: Path) -> str:
    return f"{EXAMPLES_V2}={vectors / 'contexts' / 'credentials-examples-v2.jsonld'}"


def signed_vector(vectors: Path, suite: str) -> Path:
    return vectors / "vc-di-eddsa" / SIGNED_VECTORS[suite]


def sign_args(vectors: Path, suite: str) -> list[str]:
    """`vc sign` with the vector key, created, verification method and examples context."""
    base = vectors / "vc-di-eddsa"
    return ["vc", "sign", "--key", str(base / "keyPair.json"), "--suite", suite,
            "--created", VECTOR_CREATED, "--verification-method", VECTOR_VM,
            "--context", context_arg(vectors), str(base / "unsigned.json")]


def run_s4c(args: list[str], tmp_path: Path, stdin: str | None = None):
    env = {**os.environ, "S4C_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([str(S4C), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def checks_by_id(output: str) -> dict[str, dict]:
    report = json.loads(output)
    assert set(report) == {"verified", "checks"}
    for check in report["checks"]:
        assert {"id", "outcome", "code", "params", "reason"} <= set(check) <= {
            "id", "outcome", "code", "params", "detail", "reason"}
        assert check["outcome"] in {"passed", "failed", "unknown"}
    return {check["id"]: check for check in report["checks"]}


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Blocks (and records) any socket connection or name lookup made in-process."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def cli(no_network):
    """Invokes `s4c ARGS` in-process; asserts afterwards that nothing touched the network."""
    def invoke(args: list[str], stdin: str | None = None) -> Result:
        result = CliRunner().invoke(main, args, input=stdin)
        # an exit code must come from the command, never from an uncaught exception
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.output
        return result

    yield invoke
    assert no_network == []


# --- real subprocess: the main contract ----------------------------------------------------

@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_sign_reproduces_the_signed_vector_for_each_suite(vectors, tmp_path, suite):
    # Ed25519Signature2020: the signer adds the suite's context the unsigned input lacks
    done = run_s4c(sign_args(vectors, suite), tmp_path)

    assert done.returncode == 0, done.stderr
    signed = json.loads(done.stdout)
    expected = json.loads(signed_vector(vectors, suite).read_text(encoding="utf-8"))
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert signed == expected


def test_verify_of_the_rdfc_vector_file_passes_terms_and_proof(vectors, tmp_path):
    path = signed_vector(vectors, "eddsa-rdfc-2022")
    done = run_s4c(["vc", "verify", "--context", context_arg(vectors), str(path)], tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["verified"] is True
    checks = checks_by_id(done.stdout)
    assert checks["terms"]["outcome"] == "passed"
    assert checks["proof"]["outcome"] == "passed"


def test_verify_reads_a_tampered_credential_from_stdin_and_exits_1(vectors, tmp_path):
    doc = json.loads(signed_vector(vectors, "eddsa-rdfc-2022").read_text(encoding="utf-8"))
    doc["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    done = run_s4c(["vc", "verify", "--context", context_arg(vectors), "-"], tmp_path,
                   stdin=json.dumps(doc))

    assert done.returncode == 1, done.stdout + done.stderr
    assert json.loads(done.stdout)["verified"] is False
    failed = failed_checks(json.loads(done.stdout)["checks"])
    assert list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]


def test_verify_without_context_rejects_the_examples_context_and_exits_1(vectors, tmp_path):
    done = run_s4c(["vc", "verify", str(signed_vector(vectors, "eddsa-rdfc-2022"))], tmp_path)

    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["verified"] is False
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert any(EXAMPLES_V2 in c["reason"] and "unknown" in c["reason"].lower() for c in failed)


def test_console_script_help_exits_0(tmp_path):
    done = run_s4c(["--help"], tmp_path)

    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout and "vc" in done.stdout and "bench" in done.stdout


# --- in-process: the rest of the contract ---------------------------------------------------

@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_signed_output_verifies(vectors, cli, suite):
    signed = cli(sign_args(vectors, suite))
    assert signed.exit_code == 0, signed.output

    verified = cli(["vc", "verify", "--context", context_arg(vectors), "-"], stdin=signed.stdout)
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["verified"] is True


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "Ed25519Signature2020"])
def test_verify_of_the_signed_vector_passes_terms_and_proof(vectors, cli, suite):
    result = cli(["vc", "verify", "--context", context_arg(vectors),
                  str(signed_vector(vectors, suite))])

    assert result.exit_code == 0, result.output
    checks = checks_by_id(result.stdout)
    assert checks["terms"]["outcome"] == "passed"
    assert checks["proof"]["outcome"] == "passed"


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "Ed25519Signature2020"])
def test_verify_of_a_changed_alumni_of_fails_the_proof(vectors, cli, suite):
    doc = json.loads(signed_vector(vectors, suite).read_text(encoding="utf-8"))
    doc["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    result = cli(["vc", "verify", "--context", context_arg(vectors), "-"], stdin=json.dumps(doc))

    assert result.exit_code == 1, result.output
    failed = failed_checks(json.loads(result.stdout)["checks"])
    assert list(failed) == ["proof"] and SIGNATURE_MISMATCH in failed["proof"]


def test_sign_without_context_refuses_the_examples_context_and_exits_2(vectors, cli):
    base = vectors / "vc-di-eddsa"
    result = cli(["vc", "sign", "--key", str(base / "keyPair.json"), str(base / "unsigned.json")])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert EXAMPLES_V2 in result.stderr and "unknown" in result.stderr.lower()


def test_sign_defaults_the_verification_method_to_the_keys_did_key(vectors, cli):
    base = vectors / "vc-di-eddsa"
    signed = cli(["vc", "sign", "--key", str(base / "keyPair.json"),
                  "--context", context_arg(vectors), str(base / "unsigned.json")])

    assert signed.exit_code == 0, signed.output
    proof = json.loads(signed.stdout)["proof"]
    assert proof["verificationMethod"] == VECTOR_VM
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"  # the default suite
    assert proof["created"]  # defaults to now
    verified = cli(["vc", "verify", "--context", context_arg(vectors), "-"], stdin=signed.stdout)
    assert verified.exit_code == 0, verified.output


def test_sign_reads_the_document_from_stdin(vectors, cli):
    base = vectors / "vc-di-eddsa"
    args = sign_args(vectors, "eddsa-jcs-2022")
    result = cli([*args[:-1], "-"], stdin=(base / "unsigned.json").read_text(encoding="utf-8"))

    assert result.exit_code == 0, result.output
    expected = json.loads(signed_vector(vectors, "eddsa-jcs-2022").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == expected


def test_sign_with_a_public_only_key_exits_2_and_says_the_private_key_is_missing(
        vectors, cli, tmp_path):
    key = tmp_path / "public.json"
    key.write_text(json.dumps({"publicKeyMultibase": VECTOR_PUBLIC_KEY}))
    args = sign_args(vectors, "eddsa-rdfc-2022")
    args[args.index("--key") + 1] = str(key)
    result = cli(args)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "private" in result.stderr.lower()


@pytest.mark.parametrize("content", [
    "not json at all",
    "[1, 2]",
    '{"privateKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"}',
    '{"publicKeyMultibase": "zabc", "privateKeyMultibase": "z3u2"}',
    '{"publicKeyMultibase": 123, "privateKeyMultibase": 456}',
    # a valid private key paired with someone else's public key
    ('{"publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",'
     ' "privateKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"}'),
], ids=["not-json", "array", "no-public-key", "bad-multibase", "not-strings", "mismatched"])
def test_sign_with_a_malformed_key_file_exits_2_with_an_error(vectors, cli, tmp_path, content):
    key = tmp_path / "key.json"
    key.write_text(content)
    args = sign_args(vectors, "eddsa-rdfc-2022")
    args[args.index("--key") + 1] = str(key)
    result = cli(args)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")


def test_sign_with_a_missing_key_file_exits_2(vectors, cli, tmp_path):
    args = sign_args(vectors, "eddsa-rdfc-2022")
    args[args.index("--key") + 1] = str(tmp_path / "absent.json")
    result = cli(args)

    assert result.exit_code == 2
    assert "absent.json" in result.stderr


def test_sign_with_an_unknown_suite_is_a_usage_error(vectors, cli):
    args = sign_args(vectors, "eddsa-rdfc-2022")
    args[args.index("--suite") + 1] = "eddsa-nonsense-2099"
    result = cli(args)

    assert result.exit_code == 2
    assert "--suite" in result.stderr and "eddsa-nonsense-2099" in result.stderr


@pytest.mark.parametrize("command", ["sign", "verify"])
@pytest.mark.parametrize("name,content", [
    ("missing", None),
    ("not-json", "{not json"),
    ("array", "[1, 2, 3]"),
    ("string", '"just a string"'),
    ("duplicate-key", '{"a": 1, "a": 2}'),
    ("not-utf8", b"\xff\xfe{}"),
])
def test_unusable_input_exits_2(vectors, cli, tmp_path, command, name, content):
    path = tmp_path / f"{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    args = (sign_args(vectors, "eddsa-rdfc-2022")[:-1] if command == "sign"
            else ["vc", "verify", "--context", context_arg(vectors)])
    result = cli([*args, str(path)])

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert str(path) in result.stderr


@pytest.mark.parametrize("command", ["sign", "verify"])
def test_input_larger_than_2_mib_exits_2(vectors, cli, tmp_path, command):
    path = tmp_path / "big.json"
    path.write_bytes(b"{}" + b" " * (MAX_INPUT_BYTES - 1))  # valid JSON, one byte too long
    args = (sign_args(vectors, "eddsa-rdfc-2022")[:-1] if command == "sign"
            else ["vc", "verify"])
    result = cli([*args, str(path)])

    assert result.exit_code == 2, result.output
    assert "larger than" in result.stderr


def test_input_of_exactly_2_mib_is_read(cli, tmp_path):
    path = tmp_path / "limit.json"
    path.write_bytes(b"{}" + b" " * (MAX_INPUT_BYTES - 2))
    result = cli(["vc", "verify", str(path)])

    assert MAX_INPUT_BYTES == 2 * 1024 * 1024
    assert result.exit_code == 1, result.output  # read and judged: it has no proof
    assert checks_by_id(result.stdout)["proof"]["outcome"] == "failed"


def test_stdin_larger_than_2_mib_exits_2(cli):
    result = cli(["vc", "verify", "-"], stdin="{}" + " " * MAX_INPUT_BYTES)

    assert result.exit_code == 2
    assert "larger than" in result.stderr


@pytest.mark.parametrize("command", ["sign", "verify"])
@pytest.mark.parametrize("value", ["no-equals-sign", "=x.jsonld", f"{EXAMPLES_V2}=",
                                   f"{EXAMPLES_V2}=/nonexistent/examples.jsonld"])
def test_bad_context_option_exits_2(vectors, cli, command, value):
    base = vectors / "vc-di-eddsa"
    args = (["vc", "sign", "--key", str(base / "keyPair.json")] if command == "sign"
            else ["vc", "verify"])
    result = cli([*args, "--context", value, str(signed_vector(vectors, "eddsa-rdfc-2022"))])

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "--context" in result.stderr


@pytest.mark.parametrize("args", [
    ["vc", "--help"], ["vc", "sign", "--help"], ["vc", "verify", "--help"], ["bench", "--help"],
])
def test_subcommand_help_exits_0(cli, args):
    result = cli(args)

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


def test_context_option_cannot_replace_a_pinned_context(tmp_path):
    from click.testing import CliRunner

    from web.cli import main

    fake = tmp_path / "v2.jsonld"
    fake.write_text('{"@context": {"name": "https://evil.example/name"}}')
    doc = tmp_path / "doc.json"
    doc.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"]}')
    result = CliRunner().invoke(main, ["vc", "verify", "--context",
                                       f"https://www.w3.org/ns/credentials/v2={fake}", str(doc)])
    assert result.exit_code == 2
    assert "pinned context" in result.output


def test_a_broken_context_file_is_unusable_input_for_sign_and_verify(tmp_path):
    from click.testing import CliRunner

    from web.cli import main

    broken = tmp_path / "ctx.jsonld"
    broken.write_text("not json")
    doc = tmp_path / "doc.json"
    doc.write_text("{}")
    for command in ("sign", "verify"):
        args = ["vc", command, "--context", f"https://example.org/ctx={broken}", str(doc)]
        if command == "sign":
            args[2:2] = ["--key", str(tmp_path / "missing.json")]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (command, result.output)
        assert "not valid JSON" in result.output


def test_sign_with_ed25519_signature_2020_adds_its_context_to_a_vc_1_1_credential(vectors, cli,
                                                                                tmp_path):
    unsigned = tmp_path / "v1.json"
    unsigned.write_text(json.dumps({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"}}))
    key = str(vectors / "vc-di-eddsa" / "keyPair.json")
    signed = cli(["vc", "sign", "--key", key, "--suite", "Ed25519Signature2020", str(unsigned)])

    assert signed.exit_code == 0, signed.output
    assert json.loads(signed.stdout)["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/suites/ed25519-2020/v1"]
    verified = cli(["vc", "verify", "-"], stdin=signed.stdout)
    assert verified.exit_code == 0, verified.output

    # a second proof cannot add a context under the first one: refused, not broken
    again = cli(["vc", "sign", "--key", key, "--suite", "eddsa-rdfc-2022", "-"],
                stdin=signed.stdout)
    assert again.exit_code == 2
    assert "https://w3id.org/security/data-integrity/v2" in again.stderr
    assert "already signed" in again.stderr

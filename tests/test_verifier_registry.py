"""The verifier with the real registry: its database (DatabaseTrustSource) and its signed
trust list (TrustListTrustSource), online and fully offline from the command line."""
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    issuer_world,
    resolver_for,
    role_credential,
    status_list,
)

from issuer.qr_summary import compact_summary
from registry.authority import Authority
from registry.body_keys import did_document_keys
from registry.demo import seed_demo
from registry.service import Registry
from registry.trust_list import sign_trust_list, unsigned_trust_list
from registry.trust_source import DatabaseTrustSource, TrustListTrustSource
from vc.multikey import Ed25519Multikey
from vc.qr import qr_png
from verifier.qr_payload import self_contained_png, self_contained_text
from verifier.service import Verifier
from verifier.verdict import Verdict
from web.cli import main
from web.wiring.db import make_engine, upgrade


@pytest.fixture(scope="module")
def demo_registry(tmp_path_factory) -> tuple[Registry, DemoIssuer, Authority]:
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'r.db'}"
    upgrade(url)
    issuer = DemoIssuer()
    # the body's keys come from its own DID document, served offline
    registry = Registry(sessionmaker(make_engine(url)), "https://registry.example.eu",
                        body_keys=did_document_keys(resolver_for(issuer_world(issuer))))
    authorities: dict[str, Authority] = {}

    def authority_for(slug: str) -> Authority:
        return authorities.setdefault(slug, Authority.from_key(Ed25519Multikey.generate()))

    seed_demo(registry, authority_for, issuer.did)
    return registry, issuer, authority_for("operator")


def test_the_registry_database_accredits_and_names_the_issuer(demo_registry):
    registry, issuer, _ = demo_registry
    world = issuer_world(issuer)
    verifier = Verifier(DatabaseTrustSource(registry), resolver_for(world), world,
                        clock=lambda: NOW, store=STORE)
    report = verifier.verify_credential(issuer.sign(role_credential(issuer)), country="RO",
                                        lang="ro")
    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.summary["issuer"]["name"] == \
        "Organism demonstrativ de certificare Skills4Cities (DEMO)"
    assert report.summary["recognition"]["nqfLevel"] == "CNC nivel 6"
    stranger = DemoIssuer(host="unknown-body.example.org")
    world.set(stranger.did_url(), stranger.did_document())
    world.set(stranger.list_url("revocation"), status_list(stranger, "revocation"))
    world.set(stranger.list_url("suspension"), status_list(stranger, "suspension"))
    report = verifier.verify_credential(stranger.sign(role_credential(stranger)))
    assert report.verdict is Verdict.NOT_VALID_NOW
    assert "issuer-trust.not-registered" in json.dumps(report.to_json())


def _trust_list_file(registry: Registry, operator: Authority, path: Path) -> Path:
    document = unsigned_trust_list(registry.trust_data(), registry.snapshot(),
                                   list_url=registry.trust_list_url, sequence=1,
                                   issued=datetime.now(UTC))
    path.write_text(json.dumps(sign_trust_list(document, operator)))
    return path


def test_offline_cli_verifies_a_qr_image_with_keys_from_the_trust_list(demo_registry, tmp_path):
    registry, issuer, operator = demo_registry
    trust_file = _trust_list_file(registry, operator, tmp_path / "trust.json")
    assert TrustListTrustSource.from_file(trust_file, operator.did).issuer(issuer.did)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    role = issuer.sign(role_credential(issuer, valid_from=now))
    png, _version = self_contained_png(issuer.sign(compact_summary(role)))
    (tmp_path / "qr.png").write_bytes(png)
    lists = []
    for purpose in ("revocation", "suspension"):
        lists += ["--status-list", str(tmp_path / f"{purpose}.json")]
        (tmp_path / f"{purpose}.json").write_text(json.dumps(status_list(issuer, purpose)))
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path / "d"), "verify", str(tmp_path / "qr.png"), "--offline",
            "--trust-list", str(trust_file), "--operator-did", operator.did, "--country", "BG"]
    result = runner.invoke(main, [*args, *lists, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["verdict"] == "valid"
    assert body["summary"]["recognition"]["country"] == "BG"
    no_lists = runner.invoke(main, args)
    assert no_lists.exit_code == 1
    assert no_lists.output.startswith("COULD NOT CHECK")
    assert "offline: the status list" in no_lists.output


def test_cli_reads_a_credential_file_stdin_and_qr_text(demo_registry, tmp_path):
    registry, issuer, operator = demo_registry
    trust_file = _trust_list_file(registry, operator, tmp_path / "trust.json")
    credential = issuer.sign(role_credential(issuer))
    (tmp_path / "c.json").write_text(json.dumps(credential))
    base = ["--data-dir", str(tmp_path / "d"), "verify", "--offline", "--trust-list",
            str(trust_file), "--operator-did", operator.did]
    runner = CliRunner()
    for source, stdin in ((str(tmp_path / "c.json"), None), ("-", json.dumps(credential)),
                          (self_contained_text(credential), None)):
        result = runner.invoke(main, [*base, source], input=stdin)
        assert result.exit_code == 1, result.output  # authentic, status unknown offline
        assert "proof: Valid eddsa-rdfc-2022 signature" in result.output
    tampered = dict(credential, validUntil="2031-01-01T00:00:00Z")
    (tmp_path / "t.json").write_text(json.dumps(tampered))
    result = runner.invoke(main, [*base, str(tmp_path / "t.json")])
    assert result.exit_code == 1 and result.output.startswith("FORGED OR MALFORMED")
    failed = [line for line in result.output.splitlines() if line.startswith("  [FAIL]")]
    assert len(failed) == 1 and failed[0].startswith("  [FAIL] proof: ")
    # the catalogue's English for proof.signature-mismatch
    assert "does not match the content" in failed[0]


@pytest.mark.parametrize("source", ["S4C1:BB8A", "not a credential", "S4C7:ABC"])
def test_cli_exits_2_on_unusable_input(tmp_path, source):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "verify", source])
    assert result.exit_code == 2
    assert "error:" in result.output


def test_cli_exits_2_on_an_image_without_a_qr_code_and_on_a_bad_trust_list(tmp_path):
    png, _ = qr_png("hello")
    (tmp_path / "x.png").write_bytes(png)
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(tmp_path), "verify", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "neither a credential" in result.output
    (tmp_path / "c.json").write_text("{}")
    (tmp_path / "trust.json").write_text("{}")
    result = runner.invoke(main, ["--data-dir", str(tmp_path), "verify", str(tmp_path / "c.json"),
                                  "--trust-list", str(tmp_path / "trust.json"),
                                  "--operator-did", "did:key:z6Mk"])
    assert result.exit_code == 2


def test_cli_reads_a_pdf_certificate_and_a_presentation_file(demo_registry, tmp_path):
    """`s4c verify` tells a file by its content like the page: a PDF embedding the
    credential and a presentation carrying it are read as the credential file is."""
    import io

    from pypdf import PdfWriter

    registry, issuer, operator = demo_registry
    trust_file = _trust_list_file(registry, operator, tmp_path / "trust.json")
    credential = issuer.sign(role_credential(issuer))
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("credential.json", json.dumps(credential).encode())
    pdf = io.BytesIO()
    writer.write(pdf)
    (tmp_path / "certificate.txt").write_bytes(pdf.getvalue())  # the name does not matter
    (tmp_path / "vp.json").write_text(json.dumps({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"], "verifiableCredential": [credential]}))
    base = ["--data-dir", str(tmp_path / "d"), "verify", "--offline", "--trust-list",
            str(trust_file), "--operator-did", operator.did, "--json"]
    for name in ("certificate.txt", "vp.json"):
        result = CliRunner().invoke(main, [*base, str(tmp_path / name)])
        assert result.exit_code == 1, result.output  # authentic, status unknown offline
        assert json.loads(result.output)["verdict"] == "could-not-check", name

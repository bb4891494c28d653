"""`s4c init` makes the demo seal (so `make run` seals with no setup) and says where the
seal key is; the seal settings come from the environment and a bad one is a clear error."""
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from seal_fixtures import new_key, seal_ca, seal_certificate

from web.cli import main
from web.wiring.datadir import issuer_seal
from web.wiring.settings import Settings

SEAL_ENV = ("S4C_SEAL_PKCS11_MODULE", "S4C_SEAL_TOKEN_LABEL", "S4C_SEAL_KEY_LABEL",
            "S4C_SEAL_PIN", "S4C_SEAL_CHAIN", "S4C_SEAL_PKCS12", "S4C_SEAL_PASSPHRASE",
            "S4C_TSA_URL", "S4C_DATA_DIR", "S4C_KEY_PASSPHRASE", "DATABASE_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SEAL_ENV:
        monkeypatch.delenv(name, raising=False)


def test_init_makes_the_demo_seal_once_and_names_it(tmp_path: Path):
    data_dir = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(main, ["--data-dir", str(data_dir), "init"])
    assert first.exit_code == 0, first.output
    assert "the demo seal (DEMO" in first.output and "the demo TSA (DEMO)" in first.output
    made = (data_dir / "seal" / "seal.p12").read_bytes()

    second = runner.invoke(main, ["--data-dir", str(data_dir), "init"])
    assert second.exit_code == 0, second.output
    assert (data_dir / "seal" / "seal.p12").read_bytes() == made  # never replaced

    passphrase = (data_dir / "keys" / "passphrase").read_text().strip()
    assert passphrase not in first.output
    seal = issuer_seal(Settings.from_environment(data_dir, environ={}))
    assert seal.is_demo and "DEMO" in seal.signer.chain[0].subject.rfc4514_string()
    # the anchors folder holds the two demo CAs and nothing else (a verifier's anchors)
    anchors = data_dir / "seal" / "anchors"
    assert sorted(p.name for p in anchors.iterdir()) == ["seal-ca.pem", "tsa-ca.pem"]
    assert str(anchors) in first.output


def test_init_with_a_pkcs12_seal_makes_no_demo_seal_and_hides_the_passphrase(tmp_path: Path):
    key = new_key("RS256")
    path = tmp_path / "body-seal.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", key, seal_certificate(seal_ca(), key.public_key(), days=365), None,
        serialization.BestAvailableEncryption(b"the seal passphrase")))
    env = {"S4C_SEAL_PKCS12": str(path), "S4C_SEAL_PASSPHRASE": "the seal passphrase",
           "S4C_TSA_URL": "https://tsa.example.eu/tsr"}
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "init"], env=env)
    assert result.exit_code == 0, result.output
    assert f"PKCS#12 file {path}" in result.output and "https://tsa.example.eu/tsr" in result.output
    assert "the seal passphrase" not in result.output
    assert not (tmp_path / "data" / "seal" / "seal.p12").exists()
    assert "warning" not in result.output

    no_tsa = {k: v for k, v in env.items() if k != "S4C_TSA_URL"}
    warned = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "init"],
                                env=no_tsa)
    assert warned.exit_code == 0 and "set S4C_TSA_URL" in warned.output

    wrong = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "init"],
                               env={**env, "S4C_SEAL_PASSPHRASE": "not it"})
    assert wrong.exit_code != 0 and "wrong S4C_SEAL_PASSPHRASE" in wrong.output


def test_seal_settings_come_from_the_environment(tmp_path: Path):
    settings = Settings.from_environment(tmp_path, environ={
        "S4C_SEAL_PKCS11_MODULE": "/usr/lib/softhsm/libsofthsm2.so",
        "S4C_SEAL_TOKEN_LABEL": "body", "S4C_SEAL_KEY_LABEL": "seal", "S4C_SEAL_PIN": "1234",
        "S4C_TSA_URL": "http://127.0.0.1:9/tsa"})
    assert (settings.seal_token_label, settings.seal_key_label) == ("body", "seal")
    assert "1234" not in repr(settings)
    with pytest.raises(ValueError, match="S4C_TSA_URL"):
        Settings.from_environment(tmp_path, environ={"S4C_TSA_URL": "ftp://tsa"})


def test_the_summary_warns_about_an_ending_or_ended_seal_certificate(tmp_path: Path):
    from datetime import UTC, datetime, timedelta

    from issuer.seal import Seal
    from vc.jades.seal import PrivateKeySigner
    from web.wiring.seal_keys import seal_certificate_lines

    key = new_key("ES256")
    seal = Seal(PrivateKeySigner(key, [seal_certificate(seal_ca(), key.public_key(), days=20)]),
                timestamper=None)  # type: ignore[arg-type]  # the summary stamps nothing
    now = datetime.now(UTC)
    assert "ends in 19 days" in " ".join(seal_certificate_lines(seal, now))
    assert "expired" in " ".join(seal_certificate_lines(seal, now + timedelta(days=21)))
    assert "not valid before" in " ".join(seal_certificate_lines(seal, now - timedelta(days=1)))
    lasting = Seal(PrivateKeySigner(key, [seal_certificate(seal_ca(), key.public_key(),
                                                           days=365)]),
                   timestamper=None)  # type: ignore[arg-type]
    [fine] = seal_certificate_lines(lasting, now)
    assert fine.startswith("seal certificate: ") and "Test body eSeal (DEMO)" in fine

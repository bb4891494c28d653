"""What s4c issues for Europass, s4c's own EDC verifier accepts: an EDC sealed with the demo
seal is valid against the demo anchors, format included, because the seal certificate's
organizationIdentifier is the awarding body's eIDAS legal identifier (S4C_ISSUER_LEGAL_ID)."""
import json
import os

import pytest
from click.testing import CliRunner
from test_edc_delivery import _issued

from vc.jades.anchors import anchors_from_folder
from verifier.edc import EdcVerifier
from verifier.verdict import Verdict
from web.cli import main
from web.wiring.settings import Settings
from web.wiring.verifiers import build_edc_verifier, edc_format_check


@pytest.mark.parametrize("legal_id", [None, "VATBE-0123456789"])
def test_an_edc_s4c_seals_verifies_with_the_demo_anchors(tmp_path, monkeypatch, legal_id):
    if legal_id:
        monkeypatch.setenv("S4C_ISSUER_LEGAL_ID", legal_id)
    data = tmp_path / "data"
    _, ids = _issued(data)
    out = tmp_path / "role.jsonld"
    done = CliRunner().invoke(main, ["--data-dir", str(data), "edc", ids[-1], "-o", str(out)])
    assert done.exit_code == 0, done.output
    verifier = EdcVerifier(anchors_from_folder(data / "seal" / "anchors"),
                           format_check=edc_format_check)
    report = verifier.verify(out.read_bytes())
    assert report.verdict is Verdict.VALID, [(c.id, c.outcome) for c in report.checks]
    assert json.loads(out.read_text(encoding="utf-8"))["signatures"]
    altered = out.read_bytes().replace(b"Gruber", b"Grubar")
    assert altered != out.read_bytes()
    assert verifier.verify(altered).verdict is Verdict.FORGED_OR_MALFORMED


def test_a_demo_deployment_confirms_its_own_demo_seal_and_a_real_one_does_not(tmp_path):
    data = tmp_path / "data"
    _, ids = _issued(data)
    out = tmp_path / "unit.jsonld"
    assert CliRunner().invoke(main, ["--data-dir", str(data), "edc", ids[0], "-o",
                                     str(out)]).exit_code == 0
    demo = Settings.from_environment(data)
    assert demo.seal_anchors_in_use == str(data / "seal" / "anchors")
    assert build_edc_verifier(demo).verify(out.read_bytes()).verdict is Verdict.VALID
    # a deployment with its own seal key never trusts the demo CAs unless told to
    own = Settings.from_environment(data, environ={**os.environ,
                                                   "S4C_SEAL_PKCS12": str(tmp_path / "x.p12"),
                                                   "S4C_SEAL_PASSPHRASE": "x"})
    assert own.seal_anchors_in_use is None
    report = build_edc_verifier(own).verify(out.read_bytes())
    assert report.verdict is Verdict.COULD_NOT_CHECK
    assert report.state == "sealer-not-confirmed"

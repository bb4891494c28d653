"""Every check reason and input error the employer's page shows is said in the reader's
language (issue 12 §1): each reason the verifier gives for the credentials an employer meets
is recognised (not the generic fallback), and is worded from the language's catalogue."""
import pytest
from employer_world import credentials_by_state, world
from flask import Flask
from flask_babel import force_locale
from test_verifier_support import (
    NOW,
    STORE,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    recognition,
    resolver_for,
    trusted,
)

from verifier.qr_payload import parse_text
from verifier.service import Verifier
from web.check_reasons import explain, explain_input_error
from web.i18n import init_i18n, read_catalogues

FALLBACKS = {"This check passed.", "This check failed.", "This could not be checked.",
             "This could not be read."}


@pytest.fixture(scope="module")
def reports():
    issuer = DemoIssuer()
    fetcher = world(issuer)
    trust = FakeTrustSource([trusted(issuer, accreditation(issuer.did))],
                            [recognition("BG", nqf="НКР 6")])
    verifier = Verifier(trust, resolver_for(fetcher), fetcher, clock=lambda: NOW, store=STORE)
    out = []
    for credential in credentials_by_state(issuer).values():
        for country in (None, "BG", "RO"):
            out.append(verifier.verify_credential(credential, country=country))
    return out


@pytest.fixture(scope="module")
def app() -> Flask:
    app = Flask(__name__)
    init_i18n(app)
    return app


def test_every_reason_given_is_recognised_and_translated(app, reports):
    de = read_catalogues()["de"]
    seen = set()
    with app.test_request_context(), force_locale("de"):
        for report in reports:
            for check in report.checks:
                explained = explain(check.id, str(check.outcome), check.check.reason)
                assert explained.text not in {de.gettext(f) for f in FALLBACKS}, \
                    (check.id, check.check.reason)
                seen.add(check.id)
    # the scenarios reach every check the page can show
    assert {"structure", "schema", "terms", "proof", "key-binding", "role-stack", "validity",
            "status.revocation", "status.suspension", "issuer-trust",
            "recognition"} <= seen


def test_a_reason_keeps_its_facts_and_its_technical_detail(app):
    with app.test_request_context():
        with force_locale("bg"):
            said = explain("validity", "failed", "expired on 2027-01-31 00:00 UTC")
            assert said.text == "Изтекло е на 2027-01-31 00:00 UTC." and said.detail is None
            unknown = explain("status.revocation", "unknown", "could not check whether it is "
                              "revoked: the status list could not be fetched: timeout")
            assert unknown.text.startswith("Не може да се провери дали е отнето")
            assert unknown.detail == "the status list could not be fetched: timeout"
        with force_locale("en"):
            new = explain("some-new-check", "failed", "a reason no pattern knows")
            assert new.text == "This check failed." and new.detail == "a reason no pattern knows"


@pytest.mark.parametrize("text", ["", "S4C1:BB8A", "{not json", "S4C2:ABCDEF", "[1]",
                                  "hello there"])
def test_every_input_error_is_recognised(app, text):
    with pytest.raises(Exception) as raised:
        parse_text(text)
    with app.test_request_context(), force_locale("el"):
        said = explain_input_error(str(raised.value))
        assert said.text != read_catalogues()["el"].gettext("This could not be read.")

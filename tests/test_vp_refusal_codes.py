"""A refused OpenID4VP answer carries a code (`verifier.codes.RefusalCode`): the employer's
page says it from the catalogue in the page's language, the verifier's English reason stays
the technical detail. Nothing reads the English back: before, a regex over the reason chose
the sentence, and "this request asked for an encrypted response" matched "asked for" and
read "the wallet did not share everything that was asked for"."""
import json
from types import SimpleNamespace

import pytest

from vc.findings import Finding
from verifier.codes import RefusalCode
from verifier.oid4vp_answers import RefusedAnswer, read_answer
from verifier.vp_requests import refusal_finding
from web.plumbing.finding_words import say_in

REQUEST = SimpleNamespace(state="the-state", request={"dcql_query": {"credentials": []}})


def _refused(params: dict) -> RefusedAnswer:
    with pytest.raises(RefusedAnswer) as caught:
        read_answer(params, REQUEST, sd_jwt_verifier=None, verifier=None)  # type: ignore[arg-type]
    return caught.value


def test_each_refusal_names_its_kind_by_code_with_the_reason_as_detail():
    other = _refused({"state": "another-state", "vp_token": "{}"})
    assert other.finding.code == RefusalCode.ANOTHER_REQUEST
    assert "names another request" in (other.finding.detail or "")
    assert _refused({"state": "the-state"}).finding.code == RefusalCode.UNREADABLE


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "The answer was meant for another request"),
    ("de", "Die Antwort war für eine andere Anfrage bestimmt"),
    ("el", "άλλο αίτημα"),
])
def test_the_page_says_a_stored_refusal_in_its_language(lang, words):
    stored = Finding(RefusalCode.ANOTHER_REQUEST, {}, "the response names another request")
    found = refusal_finding(json.dumps(stored.to_json()))
    assert found is not None and words in say_in(found, lang)
    assert found.detail == "the response names another request"


def test_an_encrypted_answer_missing_is_unreadable_not_missing_claims():
    wrong = RefusedAnswer("this request asked for an encrypted response (direct_post.jwt); "
                          "the answer was not encrypted")
    assert wrong.finding.code == RefusalCode.UNREADABLE
    assert "did not share" not in say_in(wrong.finding, "en")


def test_a_refusal_kept_before_codes_is_said_as_recorded():
    found = refusal_finding("the response has no vp_token")
    assert found == Finding(RefusalCode.AS_RECORDED, {}, "the response has no vp_token")
    assert say_in(found, "de") == "Eine Antwort einer Wallet wurde abgelehnt."
    assert refusal_finding(None) is None

"""digestMultibase (VC Data Integrity 1.0 §2.6): one sha2-256 multihash over the JCS form."""
import base64
import hashlib

from vc.jcs import canonicalize_parsed
from vc.resource_integrity import digest_matches, digest_multibase

DOC = {"id": "urn:uuid:1", "name": "Zürich", "n": [1, 2.5]}


def test_digest_is_a_base64url_sha2_256_multihash_of_the_jcs_form():
    digest = digest_multibase(DOC)
    raw = base64.urlsafe_b64decode(digest[1:] + "==")
    assert digest.startswith("uEi") and len(digest) == 47
    assert raw == b"\x12\x20" + hashlib.sha256(canonicalize_parsed(DOC)).digest()
    # the same JSON in another key order has the same digest
    assert digest_multibase({"n": [1, 2.5], "name": "Zürich", "id": "urn:uuid:1"}) == digest


def test_matching_accepts_only_the_multihash_of_the_same_document():
    assert digest_matches(digest_multibase(DOC), DOC)
    assert not digest_matches(digest_multibase(DOC), {**DOC, "name": "Zurich"})
    bare = "u" + base64.urlsafe_b64encode(
        hashlib.sha256(canonicalize_parsed(DOC)).digest()).rstrip(b"=").decode()
    assert not digest_matches(bare, DOC)  # a bare SHA-256 lacks the multihash header
    for junk in (None, 5, "", "u", "z" + digest_multibase(DOC)[1:], "u+/=",
                 digest_multibase(DOC) + "A" * 100):
        assert not digest_matches(junk, DOC)

"""Registry API tokens (failure 6): 256-bit random secrets stored as SHA-256 and
compared in constant time; tokens stored as salted scrypt by earlier versions still match."""
import base64
import hashlib
import secrets

from registry.tokens import hash_token, new_token, token_matches


def test_a_token_is_stored_as_its_sha256_and_matches_only_itself():
    token = new_token("bg-navet")
    stored = hash_token(token)
    assert stored == "sha256$" + hashlib.sha256(token.encode()).hexdigest()
    assert token.split(".")[1] not in stored
    assert token_matches(token, stored)
    assert not token_matches(new_token("bg-navet"), stored)
    assert not token_matches(token, None) and not token_matches(token, "sha256$")


def test_a_token_stored_by_an_earlier_version_still_matches():
    token = new_token("ro-anc")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=2**12, r=8, p=1, dklen=32)
    b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
    stored = f"scrypt${2**12}$8$1${b64(salt)}${b64(digest)}"
    assert token_matches(token, stored)
    assert not token_matches(new_token("ro-anc"), stored)

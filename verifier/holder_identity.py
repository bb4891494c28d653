"""Whose credential it is: does an e-mail address the employer was given match the salted hash
the issuer signed into the credential (Open Badges 3.0 §B.1.8 IdentityObject: `identityHash`
is "sha256$" + the hex SHA-256 of the identity followed by `salt`)?

The address is normalised exactly as the issuer normalises it (surrounding spaces dropped,
lower case), and the digests are compared in constant time. The hash itself never leaves this
module: callers get only yes, no, or "the credential has no e-mail hash to compare with".
Guessing addresses against the hash is as easy offline as through us (salt and hash are in
the credential), so the page only has to make it no easier: it limits attempts per result.
"""
import hashlib
import hmac
from collections.abc import Sequence

MAX_EMAIL_CHARS = 320  # RFC 5321 §4.5.3.1: 64 for the local part + @ + 255 for the domain
HASH_PREFIX = "sha256$"


def normalised_email(email: str) -> str:
    """The address as the issuer hashed it (issuer.credentials.hashed_email)."""
    return email.strip().lower()


def email_matches(email_hashes: Sequence[tuple[str, str]], email: str) -> bool | None:
    """True when `email` is the address one of the credential's hashed e-mail identifiers
    (`CredentialFacts.holder_email_hashes`: identityHash and salt) was made from; False when
    it is not (or is not an address at all); None when there is no sha256 hash to compare
    with."""
    hashes = [(h, s) for h, s in email_hashes if h.lower().startswith(HASH_PREFIX)]
    if not hashes:
        return None
    address = normalised_email(email)
    if not address or len(address) > MAX_EMAIL_CHARS or "@" not in address:
        return False
    found = False
    for signed_hash, salt in hashes:
        digest = hashlib.sha256((address + salt).encode("utf-8")).hexdigest()
        # every hash is compared, so the time taken does not say which one matched
        found |= hmac.compare_digest((HASH_PREFIX + digest).encode(), signed_hash.lower().encode())
    return found

"""A seal key in a PKCS#11 token: an HSM or a qualified signature-creation device (QSCD).

The key never leaves the token: s4c asks the token to sign (PKCS#11 v2.40 C_Sign) and reads
only the public certificate. The mechanism follows the key's type: CKM_SHA256_RSA_PKCS for
RS256, CKM_ECDSA over a SHA-256 digest for ES256 (the token returns R || S, the JWS form,
RFC 7518 §3.4), CKM_EDDSA for Ed25519 (RFC 8037; SoftHSM2 and most current HSMs have it).

The certificate chain is the token's certificate objects with the key's label (leaf first,
then the CAs found by subject), or a PEM chain file when the token holds no certificate.
A session is opened in the process that signs (a PKCS#11 session does not survive fork)
and used by one thread at a time.
"""
import hashlib
import os
import threading
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass, TokenFlag

from issuer.seal.errors import SealConfigError
from vc.jades.seal import algorithm_of
from vc.x509_chain import load_certificates

_PROBE = b"s4c: does the token's key match the certificate?"
_initialised_in: dict[str, int] = {}  # module -> the process that initialised it


def _failure(what: str, error: Exception) -> SealConfigError:
    return SealConfigError(f"{what}: {type(error).__name__} {error}".strip())


def pin_refusal(flags: TokenFlag, token_label: str) -> str | None:
    """Why s4c will not try the PIN (PKCS#11 §3.2 CK_TOKEN_INFO flags), or None.

    An HSM locks its user PIN after a few wrong tries. A server restarted in a loop with a
    wrong S4C_SEAL_PIN (each start and each worker logs in) would use them all up, so s4c
    stops trying while one try is left and leaves it to a person."""
    if flags & TokenFlag.USER_PIN_LOCKED:
        return (f"the user PIN of token {token_label!r} is locked (too many wrong tries): its "
                "security officer must unlock it")
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return (f"token {token_label!r} allows one more PIN try only: s4c will not use it; "
                "check S4C_SEAL_PIN and log in once by hand (a wrong PIN then locks it)")
    return None


def open_token_session(module: str, token_label: str, pin: str, *, rw: bool = False) -> Any:
    """A logged-in user session on the token labelled `token_label` of `module` (read-write
    with `rw`, to make keys)."""
    try:
        library = pkcs11.lib(module)
        # PKCS#11 §5.4 (C_Initialize): a forked child (a server worker) initialises anew
        if _initialised_in.setdefault(module, os.getpid()) != os.getpid():
            library.reinitialize()
            _initialised_in[module] = os.getpid()
    except Exception as e:  # noqa: BLE001 - the loader raises RuntimeError/OSError/its own
        raise _failure(f"cannot load the PKCS#11 module {module}", e) from None
    try:
        token = library.get_token(token_label=token_label)
    except (pkcs11.NoSuchToken, pkcs11.MultipleTokensReturned) as e:
        raise _failure(f"no single token labelled {token_label!r} in {module}", e) from None
    refusal = pin_refusal(token.flags, token_label)
    if refusal:
        raise SealConfigError(refusal)
    try:
        return token.open(user_pin=pin, rw=rw)
    except pkcs11.UserAlreadyLoggedIn:
        # PKCS#11 §5.6: a login holds for every session of the process; another key of this
        # token (the Data Integrity key beside the seal key) is already logged in
        return token.open(rw=rw)
    except pkcs11.PinIncorrect:
        raise SealConfigError(f"the PIN of token {token_label!r} is wrong") from None
    except pkcs11.PinLocked:
        raise SealConfigError(pin_refusal(TokenFlag.USER_PIN_LOCKED, token_label)) from None
    except pkcs11.PKCS11Error as e:
        raise _failure(f"cannot log in to token {token_label!r}", e) from None


def _chain_from_token(session: Any, key_label: str) -> list[x509.Certificate]:
    found = [(str(obj[Attribute.LABEL]),
              x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE])))
             for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]
    leaves = [c for label, c in found if label == key_label]
    if not leaves:
        return []
    chain = [leaves[0]]
    while True:
        issuer = next((c for _, c in found if c.subject == chain[-1].issuer
                       and c.subject != c.issuer and c not in chain), None)
        if issuer is None:
            return chain
        chain.append(issuer)


class Pkcs11Signer:
    """The seal key `key_label` on token `token_label`; implements `SealSigner`."""

    def __init__(self, module: str, token_label: str, key_label: str, pin: str, *,
                 chain_pem: bytes | None = None) -> None:
        self._where = (module, token_label, key_label)
        self._pin = pin
        self._lock = threading.Lock()
        self._session: Any = None
        self._key: Any = None
        self._pid = -1
        with self._lock:
            self._open()
            if chain_pem:
                chain = load_certificates(chain_pem)
            else:
                chain = _chain_from_token(self._session, key_label)
            if not chain:
                raise SealConfigError(
                    f"token {token_label!r} has no certificate labelled {key_label!r}: store "
                    "the seal certificate in the token, or give S4C_SEAL_CHAIN (PEM, leaf "
                    "first)")
            self._chain = tuple(chain)
            self._algorithm = algorithm_of(chain[0].public_key())
        self._check_key_matches_certificate()

    def __repr__(self) -> str:  # never the PIN
        module, token_label, key_label = self._where
        return f"Pkcs11Signer({module}, token={token_label!r}, key={key_label!r})"

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes) -> bytes:
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: its own session
                self._open()
            try:
                return self._sign(data)
            except pkcs11.PKCS11Error as e:
                raise _failure(f"the token refused to sign with {self._where[2]!r}", e) \
                    from None

    def _sign(self, data: bytes) -> bytes:
        if self._algorithm == "RS256":
            return bytes(self._key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))
        if self._algorithm == "ES256":
            return bytes(self._key.sign(hashlib.sha256(data).digest(),
                                        mechanism=Mechanism.ECDSA))
        return bytes(self._key.sign(data, mechanism=Mechanism.EDDSA))

    def _open(self) -> None:
        module, token_label, key_label = self._where
        self._session = open_token_session(module, token_label, self._pin)
        self._pid = os.getpid()
        try:
            self._key = self._session.get_key(object_class=ObjectClass.PRIVATE_KEY,
                                              label=key_label)
        except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned) as e:
            raise _failure(f"no single private key labelled {key_label!r} on token "
                           f"{token_label!r}", e) from None
        if self._key.key_type not in (KeyType.RSA, KeyType.EC, KeyType.EC_EDWARDS):
            raise SealConfigError(f"the key {key_label!r} is {self._key.key_type.name}: a seal "
                                  "key is RSA, EC P-256 or Ed25519")

    def _check_key_matches_certificate(self) -> None:
        """One signature, checked with the leaf's public key: a token key and a certificate
        that do not belong together are refused at start, not found out by verifiers."""
        signature = self.sign(_PROBE)
        public = self._chain[0].public_key()
        try:
            if isinstance(public, rsa.RSAPublicKey):
                public.verify(signature, _PROBE, PKCS1v15(), hashes.SHA256())
            elif isinstance(public, ec.EllipticCurvePublicKey):
                half = len(signature) // 2
                public.verify(encode_dss_signature(int.from_bytes(signature[:half]),
                                                   int.from_bytes(signature[half:])),
                              _PROBE, ec.ECDSA(hashes.SHA256()))
            elif isinstance(public, ed25519.Ed25519PublicKey):
                public.verify(signature, _PROBE)
        except InvalidSignature:
            raise SealConfigError(f"the certificate of {self._where[2]!r} is not the token "
                                  "key's: check S4C_SEAL_KEY_LABEL and the chain") from None

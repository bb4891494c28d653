"""The JWS signature algorithms a seal may use (RFC 7518 §3, RFC 8037 §3.1), each checked
against the certificate's key type, so a key is never used with an algorithm of another
family. RSA keys shorter than 2048 bits are refused (ETSI TS 119 312 §6.2)."""
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509 import Certificate

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                        "ES256", "ES384", "ES512", "EdDSA"})
MIN_RSA_BITS = 2048


class AlgorithmError(ValueError):
    """The algorithm is not one we accept, or does not fit the certificate's key."""


def verify_jws_signature(alg: object, certificate: Certificate, signature: bytes,
                         signing_input: bytes) -> bool:
    """True when `signature` is `alg`'s signature of `signing_input` by the certificate's
    key; AlgorithmError when `alg` is refused or does not fit the key."""
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise AlgorithmError(f"the algorithm {str(alg)[:20]!r} is not accepted for seals")
    try:
        key = certificate.public_key()
    except (UnsupportedAlgorithm, ValueError) as e:
        raise AlgorithmError(f"the certificate's key cannot be used: {e}") from None
    try:
        if alg.startswith(("RS", "PS")):
            if not isinstance(key, rsa.RSAPublicKey):
                raise AlgorithmError(f"{alg} needs an RSA key")
            if key.key_size < MIN_RSA_BITS:
                raise AlgorithmError(f"the RSA key has {key.key_size} bits, fewer than "
                                     f"{MIN_RSA_BITS}")
            digest = _HASHES[alg[2:]]()
            pad: padding.AsymmetricPadding = padding.PKCS1v15() if alg.startswith("RS") else \
                padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
            key.verify(signature, signing_input, pad, digest)
        elif alg.startswith("ES"):
            if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != _CURVES[alg]:
                raise AlgorithmError(f"{alg} needs a {_CURVES[alg]} key")
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:  # RFC 7518 §3.4: R || S, fixed length
                return False
            der = encode_dss_signature(int.from_bytes(signature[:size]),
                                       int.from_bytes(signature[size:]))
            key.verify(der, signing_input, ec.ECDSA(_HASHES[alg[2:]]()))
        else:  # EdDSA, RFC 8037 §3.1
            if not isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
                raise AlgorithmError("EdDSA needs an Ed25519 or Ed448 key")
            key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True

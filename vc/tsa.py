"""A small RFC 3161 time-stamping authority: for the demo seal and for tests, never a
qualified TSA.

`TimeStampAuthority.respond` answers a DER TimeStampReq with a TimeStampResp whose token is
CMS SignedData (RFC 5652) over a TSTInfo (RFC 3161 §2.4.2), signed with the TSA's key, with
the signed attributes OpenSSL's `ts -verify` and ETSI validators require: content type
id-ct-TSTInfo, message digest, and the TSA certificate's ESSCertIDv2 (RFC 5816). Its
certificate must carry the critical extended key usage id-kp-timeStamping (RFC 3161 §2.3).

`TimeStampAuthority.stamp` makes it a `vc.timestamps.TimeStamper` in-process (the demo needs
no server); `serve_tsa` puts it behind a real HTTP server (RFC 3161 §3.4) on 127.0.0.1 for
tests and the benchmark.
"""
import datetime as dt
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vc.timestamps import (
    QUERY_TYPE,
    REPLY_TYPE,
    SHA256_ALGORITHM,
    TimeStampResp,
    check_reply,
    der_integer,
    imprint_of,
    make_request,
    message_imprint,
    tlv,
)
from vc.x509_chain import CertificateAuthority, make_demo_ca

# A UUID-derived OID (ITU-T X.667, arc 2.25): a policy id that needs no registration.
DEMO_POLICY = "2.25.160266171093462713370826669476432553781"
MAX_QUERY_BYTES = 4096  # a TimeStampReq with a SHA-512 imprint and extensions is < 200 bytes

TsaKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


class TimeStampAuthority:
    """Signs time-stamp tokens with `key` under `certificate` (its issuers in `chain`, put
    in tokens when the request asks with certReq)."""

    def __init__(self, key: TsaKey, certificate: x509.Certificate,
                 chain: Sequence[x509.Certificate] = (), *, policy: str = DEMO_POLICY) -> None:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
            raise ValueError("a TSA certificate must have the critical extended key usage "
                             "timeStamping only (RFC 3161 §2.3)")
        self._key = key
        self._cert = asn1_x509.Certificate.load(_der(certificate))
        self._chain = [asn1_x509.Certificate.load(_der(c)) for c in chain]
        self._policy = policy
        self._ess = tsp.SigningCertificateV2({"certs": [tsp.ESSCertIDv2({
            "cert_hash": imprint_of(_der(certificate)),
            "issuer_serial": {
                "issuer": [asn1_x509.GeneralName("directory_name", self._cert.issuer)],
                "serial_number": self._cert.serial_number},
        })]})
        algorithm = "sha256_ecdsa" if isinstance(key, ec.EllipticCurvePrivateKey) \
            else "sha256_rsa"
        self._signature_algorithm_der: bytes = algos.SignedDigestAlgorithm(
            {"algorithm": algorithm}).dump()
        self._policy_der: bytes = core.ObjectIdentifier(policy).dump()
        self._sid: bytes = cms.IssuerAndSerialNumber({
            "issuer": self._cert.issuer, "serial_number": self._cert.serial_number}).dump()
        self._content_type_attribute: bytes = cms.CMSAttribute({
            "type": "content_type", "values": ["tst_info"]}).dump()
        self._ess_attribute: bytes = cms.CMSAttribute({
            "type": "signing_certificate_v2", "values": [self._ess]}).dump()
        self._certificates = tlv(0xA0, b"".join(
            _der(c) for c in (certificate, *chain)))

    def respond(self, request_der: bytes) -> bytes:
        """The DER TimeStampResp to a DER TimeStampReq: a token, or a rejection with the
        failure info of RFC 3161 §2.4.2 (badRequest, badAlg)."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            nonce = request["nonce"].native
            cert_req = bool(request["cert_req"].native)
            policy = request["req_policy"].native
        except (ValueError, TypeError, KeyError):
            return _rejection("bad_request", "not a TimeStampReq")
        if algorithm != "sha256" or len(digest) != 32:
            return _rejection("bad_alg", "only SHA-256 imprints are stamped")
        if policy is not None and policy != self._policy:
            return _rejection("unaccepted_policy", "unknown policy")
        # RFC 3161 §2.4.2: TimeStampResp { PKIStatusInfo { granted }, the token }
        return tlv(0x30, b"\x30\x03\x02\x01\x00" + self._token(digest, nonce, cert_req))

    def stamp(self, data: bytes) -> bytes:
        """A token over `data`, in-process, through the same request and checks as HTTP."""
        digest = imprint_of(data)
        nonce = secrets.randbits(63)
        return check_reply(self.respond(make_request(digest, nonce)), digest, nonce)

    @property
    def certificate_der(self) -> bytes:
        der: bytes = self._cert.dump()
        return der

    def _token(self, digest: bytes, nonce: int | None, cert_req: bool) -> bytes:
        """The DER TimeStampToken: CMS SignedData (RFC 5652 §5) over the TSTInfo. The parts
        that never change (certificates, signer id, ESS attribute) are encoded once, in
        __init__: asn1crypto re-encodes a certificate every time it is placed in a new
        structure, which cost ~100 ms a token."""
        # RFC 3161 §2.4.2 TSTInfo, encoded directly (it is made for every seal)
        content = tlv(0x30, b"".join((
            der_integer(1), self._policy_der, message_imprint(digest),
            der_integer(secrets.randbits(127)),
            # whole seconds: a verifier comparing it with a seal's sigT (seconds) never sees
            # the time-stamp before the signing time it vouches for
            tlv(0x18, datetime.now(UTC).strftime("%Y%m%d%H%M%SZ").encode("ascii")),
            der_integer(nonce) if nonce is not None else b"")))
        # RFC 5652 §5.3: content type, message digest, then the ESSCertIDv2 (RFC 5816); this
        # order is also DER's SET OF order (by encoded length: 0x18 < 0x2f < the ESS one)
        attributes = self._content_type_attribute + tlv(0x30, _OID_MESSAGE_DIGEST + tlv(
            0x31, tlv(0x04, imprint_of(content)))) + self._ess_attribute
        # §5.4: the signature covers the attributes encoded as a SET OF (tag 0x31)
        signature = self._sign(tlv(0x31, attributes))
        signer_info = tlv(0x30, b"".join((
            b"\x02\x01\x01",  # version 1: issuerAndSerialNumber
            self._sid, SHA256_ALGORITHM, tlv(0xA0, attributes),  # [0] IMPLICIT signedAttrs
            self._signature_algorithm_der, tlv(0x04, signature))))
        encap = tlv(0x30, _OID_TST_INFO + tlv(0xA0, tlv(0x04, content)))
        signed_data = tlv(0x30, b"".join((
            b"\x02\x01\x03",  # version 3: eContentType is not id-data
            tlv(0x31, SHA256_ALGORITHM), encap,
            self._certificates if cert_req else b"",  # [0] IMPLICIT CertificateSet
            tlv(0x31, signer_info))))
        return tlv(0x30, _OID_SIGNED_DATA + tlv(0xA0, signed_data))

    def _sign(self, data: bytes) -> bytes:
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hashes.SHA256()))
        return self._key.sign(data, PKCS1v15(), hashes.SHA256())


_OID_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2
_OID_TST_INFO = bytes.fromhex("060b2a864886f70d0109100104")  # 1.2.840.113549.1.9.16.1.4
_OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")  # 1.2.840.113549.1.9.4


def _rejection(failure: str, text: str) -> bytes:
    reply: bytes = TimeStampResp({"status": {
        "status": "rejection", "status_string": [text], "fail_info": {failure}}}).dump()
    return reply


class _Handler(BaseHTTPRequestHandler):
    authority: TimeStampAuthority  # set on the subclass serve_tsa makes
    protocol_version = "HTTP/1.1"  # keep-alive: the client reuses its connection
    # headers and body leave in two writes: without TCP_NODELAY the client's delayed ACK
    # holds the second one back ~40 ms (Nagle)
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length", "")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not length.isdigit() or int(length) > MAX_QUERY_BYTES:
            self._answer(413 if length.isdigit() else 411, b"", "text/plain")
            return
        body = self.rfile.read(int(length))
        if kind != QUERY_TYPE:
            self._answer(415, b"", "text/plain")
            return
        self._answer(200, self.authority.respond(body), REPLY_TYPE)

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and the benchmark read their own output


@contextmanager
def serve_tsa(authority: TimeStampAuthority, host: str = "127.0.0.1",
              port: int = 0) -> Iterator[str]:
    """Runs `authority` behind an HTTP server on `host` (a free port by default) while the
    block runs; yields its URL."""
    handler = type("TsaHandler", (_Handler,), {"authority": authority})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="s4c-tsa", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def make_tsa_certificate(ca: CertificateAuthority, common_name: str, *,
                         days: int = 3650) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A P-256 TSA key and its certificate from `ca`: digitalSignature and the critical
    extended key usage timeStamping only (RFC 3161 §2.3)."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca.private_key.public_key()), critical=False)
        .sign(ca.private_key, hashes.SHA256()))
    return key, certificate


def make_demo_tsa(name: str = "s4c demo TSA (DEMO)") -> tuple[TimeStampAuthority,
                                                                 x509.Certificate]:
    """A throwaway TSA and the CA certificate that anchors it (tests, benchmarks)."""
    ca = make_demo_ca(f"{name} CA", organization="s4c demo (DEMO)")
    key, certificate = make_tsa_certificate(ca, name)
    return TimeStampAuthority(key, certificate), ca.certificate

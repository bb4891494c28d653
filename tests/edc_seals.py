"""A small CA, a seal certificate with QcStatements (qualified, eSeal) and a JAdES baseline B
seal made with them, for the EDC verifier's tests; and an ETSI TS 119 612 trusted list (and
a list of lists pointing to it) that names the CA as a granted CA/QC for eSeals."""
import base64
import datetime as dt
import hashlib
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

# QcCompliance, QcType eSeal (EN 319 412-5), DER as the EU sample's certificate has it
QC_ESEAL = bytes.fromhex("301f3008060604008e4601013013060604008e4601063009060704008e46010602")


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_ca(name: str = "Test QTSP CA") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "BG")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_seal_certificate(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
                          organization: str = "Smart City Certification Body",
                          identifier: str = "VATBG-123456789"
                          ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "BG"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                         x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, identifier),
                         x509.NameAttribute(NameOID.COMMON_NAME, organization + " seal")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), False)
            .add_extension(x509.UnrecognizedExtension(
                x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"), QC_ESEAL), False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def seal(payload: dict, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> dict:
    """A JAdES baseline B seal (ES256, b64 false, x5c, x5t#S256, sigT; no time-stamp)."""
    der = cert.public_bytes(serialization.Encoding.DER)
    header = {"alg": "ES256", "cty": "application/json", "typ": "jose+json",
              "x5c": [base64.b64encode(der).decode()],
              "x5t#S256": _b64u(hashlib.sha256(der).digest()),
              "sigT": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "b64": False, "crit": ["b64", "sigT"]}
    protected = _b64u(json.dumps(header).encode())
    content = json.dumps(payload, ensure_ascii=False)
    r, s = decode_dss_signature(key.sign(protected.encode() + b"." + content.encode(),
                                         ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return {"payload": content, "signatures": [{"protected": protected,
                                                "signature": _b64u(signature)}]}


TSL = "http://uri.etsi.org/02231/v2#"


def trusted_list(ca: x509.Certificate, territory: str = "BG") -> str:
    der = base64.b64encode(ca.public_bytes(serialization.Encoding.DER)).decode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="{TSL}" TSLTag="http://uri.etsi.org/19612/TSLTag">
 <tsl:SchemeInformation>
  <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>
  <tsl:SchemeTerritory>{territory}</tsl:SchemeTerritory>
 </tsl:SchemeInformation>
 <tsl:TrustServiceProviderList><tsl:TrustServiceProvider><tsl:TSPServices><tsl:TSPService>
  <tsl:ServiceInformation>
   <tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>
   <tsl:ServiceName><tsl:Name xml:lang="en">Test QTSP CA</tsl:Name></tsl:ServiceName>
   <tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>{der}</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>
   <tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</tsl:ServiceStatus>
   <tsl:ServiceInformationExtensions><tsl:Extension Critical="false"><tsl:AdditionalServiceInformation>
    <tsl:URI xml:lang="en">http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals</tsl:URI>
   </tsl:AdditionalServiceInformation></tsl:Extension></tsl:ServiceInformationExtensions>
  </tsl:ServiceInformation>
 </tsl:TSPService></tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>
</tsl:TrustServiceStatusList>
"""


def list_of_lists(national_file: str, territory: str = "BG") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<tsl:TrustServiceStatusList xmlns:tsl="{TSL}" TSLTag="http://uri.etsi.org/19612/TSLTag">
 <tsl:SchemeInformation>
  <tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists</tsl:TSLType>
  <tsl:SchemeTerritory>EU</tsl:SchemeTerritory>
  <tsl:PointersToOtherTSL><tsl:OtherTSLPointer>
   <tsl:TSLLocation>https://example.invalid/tsl/{national_file}</tsl:TSLLocation>
   <tsl:AdditionalInformation><tsl:OtherInformation><tsl:SchemeTerritory>{territory}</tsl:SchemeTerritory></tsl:OtherInformation></tsl:AdditionalInformation>
  </tsl:OtherTSLPointer></tsl:PointersToOtherTSL>
 </tsl:SchemeInformation>
</tsl:TrustServiceStatusList>
"""


def write_pem(path: Path, cert: x509.Certificate) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path

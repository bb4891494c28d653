"""The demo issuer certificate names an IP host with an iPAddress SAN, a name with a dNSName SAN
(RFC 5280 §4.2.1.6: a dNSName is a domain name, found by the wallets: `127.0.0.1`
was written as a dNSName, which strict X.509 libraries refuse or never match)."""
import ipaddress

import pytest
from cryptography import x509

from vc.jose import JwsSigner
from vc.sd_jwt_errors import IssuerKeyError
from vc.sd_jwt_vc import issue_sd_jwt_vc, verify_sd_jwt_vc
from vc.sd_jwt_vc_issuer_key import IssuerKeyPolicy
from vc.x509_chain import make_demo_ca, make_issuer_certificate, verify_x5c
from web.wiring.datadir import prepare_data_dir
from web.wiring.sd_jwt_keys import sd_jwt_issuer_key
from web.wiring.settings import Settings

CA = make_demo_ca()
VCT = "https://cert.example.org/vct/role"


def _sans(signer: JwsSigner) -> x509.SubjectAlternativeName:
    import base64

    leaf = x509.load_der_x509_certificate(base64.b64decode(signer.x5c[0]))
    return leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def test_the_demo_certificate_of_an_ip_host_has_an_ip_san(tmp_path):
    url, address = "http://127.0.0.1:5000", "127.0.0.1"  # the address `make run` serves on
    settings = Settings.from_environment(tmp_path / "data", environ={"S4C_PUBLIC_URL": url})
    prepare_data_dir(settings)
    sans = _sans(sd_jwt_issuer_key(settings).signer)
    assert sans.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address(address)]
    assert sans.get_values_for_type(x509.DNSName) == []
    assert sans.get_values_for_type(x509.UniformResourceIdentifier) == [url]


def test_the_demo_certificate_of_a_named_host_has_a_dns_san(tmp_path):
    settings = Settings.from_environment(tmp_path / "data",
                                         environ={"S4C_PUBLIC_URL": "http://localhost:5000"})
    prepare_data_dir(settings)
    sans = _sans(sd_jwt_issuer_key(settings).signer)
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert sans.get_values_for_type(x509.IPAddress) == []


def test_an_ipv6_host_gets_an_ip_san_too():
    leaf = make_issuer_certificate(CA, dns_name="[::1]")
    chain = verify_x5c(list(leaf.x5c), [CA.certificate])
    assert chain.ip_addresses == ("::1",) and chain.dns_names == ()


def _issued(signer: JwsSigner, iss: str) -> str:
    return issue_sd_jwt_vc({"name": "Ada"}, disclosable=[], signer=signer, vct=VCT, issuer=iss)


def test_an_ip_san_names_an_ip_issuer_and_no_other():
    leaf = make_issuer_certificate(CA, dns_name="192.0.2.7")  # no URI SAN: the IP must match
    chain = verify_x5c(list(leaf.x5c), [CA.certificate])
    assert chain.ip_addresses == ("192.0.2.7",) and chain.dns_names == ()
    keys = IssuerKeyPolicy(trust_anchors=[CA.certificate])
    signer = JwsSigner(leaf.jwk, x5c=leaf.x5c)
    assert verify_sd_jwt_vc(_issued(signer, "https://192.0.2.7"), keys=keys).issuer.issuer == \
        "https://192.0.2.7"
    with pytest.raises(IssuerKeyError, match="is not for the issuer"):
        verify_sd_jwt_vc(_issued(signer, "https://192.0.2.8"), keys=keys)

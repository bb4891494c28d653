"""The XML signature of an ETSI TS 119 612 trusted list (§5.7: an enveloped XAdES signature
over the whole list), checked with signxml against the certificates allowed to sign it: for
the EU's list of lists (or a national list given alone), those the operator configures
(S4C_TRUSTED_LIST_SIGNERS, the Commission's signing certificates as the Official Journal
publishes them); for each national list, those the verified list of lists names for it
(§5.3.13 ServiceDigitalIdentities).

What is read afterwards is the XML the signature covers (the reference whose URI is ""),
never the file as given, so nothing can be wrapped around a valid signature."""
from collections.abc import Sequence

from cryptography import x509
from lxml import etree
from signxml import InvalidInput, InvalidSignature, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidDigest
from signxml.verifier import SignatureConfiguration

DS = "{http://www.w3.org/2000/09/xmldsig#}"
MAX_REFERENCES = 4  # the list itself and its XAdES SignedProperties


class ListSignatureError(ValueError):
    """The list's signature is missing, malformed, or not by one of the allowed signers."""


def verified_list(data: bytes, signers: Sequence[x509.Certificate],
                  parser: etree.XMLParser) -> etree._Element:
    """The list element its signature covers; ListSignatureError when no allowed signer's
    key verifies a signature over the whole list."""
    if not signers:
        raise ListSignatureError("no certificate is allowed to sign this list")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ListSignatureError(f"not XML: {e}") from None
    signature = root.find(f"{DS}Signature")
    if signature is None:
        raise ListSignatureError("the list is not signed (no ds:Signature at its top level)")
    references = [r.get("URI") for r in signature.iterfind(f"{DS}SignedInfo/{DS}Reference")]
    if "" not in references or len(references) > MAX_REFERENCES:
        raise ListSignatureError("the list's signature does not cover the whole list")
    config = SignatureConfiguration(location="./", expect_references=len(references))
    problems = []
    for certificate in signers:
        try:
            results = XMLVerifier().verify(data, x509_cert=certificate, parser=parser,
                                           expect_config=config)
        except (InvalidSignature, InvalidDigest, InvalidCertificate, InvalidInput) as e:
            problems.append(f"{type(e).__name__}: {str(e)[:200]}")
            continue
        found = results if isinstance(results, list) else [results]
        whole = found[references.index("")].signed_xml
        if whole is None or whole.tag != root.tag:
            raise ListSignatureError("the list's signature covers something else than the list")
        return whole
    raise ListSignatureError("no allowed signer's key verifies the list's signature ("
                             + "; ".join(problems[:3]) + ")")

"""ETSI TS 119 612 trusted lists, read offline: the CA certificates of the qualified trust
services a list marks as granted (§5.5: ServiceTypeIdentifier CA/QC, ServiceStatus granted),
and the certificates of its granted qualified time-stamping services (TSA/QTST),
with what each issues qualified certificates for (§5.5.9.4 additionalServiceInformation:
ForeSignatures, ForeSeals, ForWebSiteAuthentication; none of them: all three).

The EU's list of trusted lists (the LOTL, TSLType EUlistofthelists) holds no services: it
points to the national lists (§5.3.13 PointersToOtherTSL). Given a LOTL, the national lists
are read from the same folder, found by the file name of their TSLLocation or, failing that,
by their SchemeTerritory; a list the folder lacks is left out (its anchors are not held).

The lists' own XML signatures (§5.7) are NOT checked here: whoever places the files is
trusted to have taken them from the Commission's and the Member States' sites. The anchors
say so (`list_signature_checked` False) and the seal report says it to the reader.

XML from a file is parsed without network, DTDs or entity expansion (lxml)."""
import base64
import binascii
from pathlib import Path

from cryptography import x509
from lxml import etree

from vc.jades.anchors import AnchorsError, SealAnchors, TrustAnchor

TSL = "{http://uri.etsi.org/02231/v2#}"
MAX_LIST_BYTES = 32 * 1024 * 1024  # the largest national lists are a few MB
MAX_LISTS = 64
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
QTST = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"  # qualified time-stamping (§5.5.1.1)
GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
_EXT = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
USAGES = {_EXT + "ForeSignatures": "esign", _EXT + "ForeSeals": "eseal",
          _EXT + "ForWebSiteAuthentication": "web"}


def _parse(path: Path) -> etree._Element:
    if not path.is_file():
        raise AnchorsError(f"{path} is not a file")
    if path.stat().st_size > MAX_LIST_BYTES:
        raise AnchorsError(f"{path} is larger than {MAX_LIST_BYTES} bytes")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except etree.XMLSyntaxError as e:
        raise AnchorsError(f"{path} is not XML: {e}") from None
    if root.tag != TSL + "TrustServiceStatusList":
        raise AnchorsError(f"{path} is not an ETSI TS 119 612 trusted list")
    return root


def _text(element: etree._Element | None, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.text.strip() if found is not None and found.text else None


def _certificate(text: str | None, where: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join((text or "").split()),
                                                               validate=True))
    except (binascii.Error, ValueError) as e:
        raise AnchorsError(f"{where}: an X509Certificate is not a DER certificate: {e}") \
            from None


def _services(root: etree._Element, where: str) -> list[TrustAnchor]:
    territory = _text(root, f"{TSL}SchemeInformation/{TSL}SchemeTerritory")
    anchors = []
    for service in root.iter(TSL + "ServiceInformation"):
        kind = _text(service, TSL + "ServiceTypeIdentifier")
        if kind not in (CA_QC, QTST) or _text(service, TSL + "ServiceStatus") != GRANTED:
            continue
        usages = {USAGES[uri.text.strip()] for uri in service.iter(TSL + "URI")
                  if uri.text and uri.text.strip() in USAGES}
        if kind == QTST:
            usages = {"timestamp"}
        name = _text(service, f"{TSL}ServiceName/{TSL}Name") or "?"
        for element in service.iter(TSL + "X509Certificate"):
            anchors.append(TrustAnchor(_certificate(element.text, where),
                                       f"{territory}: {name}",
                                       frozenset(usages or {"esign", "eseal", "web"}),
                                       territory))
    return anchors


def _pointed_lists(root: etree._Element, folder: Path) -> list[Path]:
    """The national lists a LOTL points to, as files of `folder`."""
    by_territory: dict[str, Path] = {}
    for candidate in sorted(folder.glob("*.xml"))[:MAX_LISTS * 2]:
        try:
            other = _parse(candidate)
        except AnchorsError:
            continue
        territory = _text(other, f"{TSL}SchemeInformation/{TSL}SchemeTerritory")
        if territory and _text(other, f"{TSL}SchemeInformation/{TSL}TSLType") != LOTL_TYPE:
            by_territory.setdefault(territory, candidate)
    found = []
    for pointer in root.iter(TSL + "OtherTSLPointer"):
        location = _text(pointer, TSL + "TSLLocation") or ""
        if not location.lower().endswith(".xml"):
            continue  # the PDF copies of the lists
        named = folder / Path(location.rsplit("/", 1)[-1]).name
        territory = next((t.text.strip() for t in pointer.iter(TSL + "SchemeTerritory")
                          if t.text), None)
        path = named if named.is_file() else by_territory.get(territory or "")
        if path is not None and path not in found:
            found.append(path)
    return found[:MAX_LISTS]


def anchors_from_trusted_list(path: Path) -> SealAnchors:
    """The CA/QC anchors of a national trusted list, or of every national list a LOTL points
    to that lies beside it."""
    root = _parse(path)
    anchors = _services(root, str(path))
    if _text(root, f"{TSL}SchemeInformation/{TSL}TSLType") == LOTL_TYPE:
        for national in _pointed_lists(root, path.parent):
            anchors.extend(_services(_parse(national), str(national)))
    return SealAnchors(tuple(anchors), "trusted-list", list_signature_checked=False)

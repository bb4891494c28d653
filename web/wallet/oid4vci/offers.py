"""The credential offer a wallet scans or follows (OpenID4VCI 1.0 §4.1): passed by value in
an `openid-credential-offer://` URI, since the server keeps only a hash of the code inside."""
import json
from urllib.parse import quote

from issuer.wallet_authorization import AuthorizationOffer
from issuer.wallet_grants import TX_CODE_DIGITS, Offer

OFFER_SCHEME = "openid-credential-offer://"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def credential_offer(public_url: str, offer: Offer | AuthorizationOffer) -> dict:
    """§4.1.1 Credential Offer Parameters."""
    if isinstance(offer, AuthorizationOffer):
        return {"credential_issuer": public_url,
                "credential_configuration_ids": offer.configuration_ids,
                "grants": {"authorization_code": {"issuer_state": offer.grant_id}}}
    grant: dict = {"pre-authorized_code": offer.pre_authorized_code}
    if offer.tx_code is not None:
        grant["tx_code"] = {"input_mode": "numeric", "length": TX_CODE_DIGITS,
                            "description": "The code in your e-mail, or the one the "
                                           "certification officer reads out to you"}
    return {"credential_issuer": public_url,
            "credential_configuration_ids": offer.configuration_ids,
            "grants": {PRE_AUTHORIZED_GRANT: grant}}


def offer_uri(public_url: str, offer: Offer | AuthorizationOffer) -> str:
    """§4.1.2: the offer by value, percent-encoded JSON (compact, for a smaller QR code)."""
    text = json.dumps(credential_offer(public_url, offer), separators=(",", ":"))
    return f"{OFFER_SCHEME}?credential_offer={quote(text, safe='')}"

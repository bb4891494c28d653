"""OpenID for Verifiable Credential Issuance 1.0 (final): s4c as a Credential Issuer and its
own Authorization Server, for the wallets holders use.

- `metadata`: Credential Issuer Metadata (§12.2) and Authorization Server Metadata (RFC 8414);
- `holder_jwt`: JWTs a wallet signs with its own key (DPoP proofs, key proofs);
- `dpop`: DPoP proofs (RFC 9449), which bind access tokens to the wallet's key (HAIP 1.0);
- `tokens`: access tokens and c_nonces, MACed by this server: no table to read per request;
- `endpoints`: token (§6), nonce (§7), credential (§8) and offers by reference (§4.1.3).
"""

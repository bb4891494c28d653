"""The wallet protocols: OpenID4VCI (issuing to wallets) and OpenID4VP (asking wallets)."""

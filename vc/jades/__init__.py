"""JAdES (ETSI TS 119 182-1): verification of electronic seals in JWS JSON serialisation, as
the European Digital Credentials (Europass, ELM 3.2) carry them. See `vc.jades.verify`."""

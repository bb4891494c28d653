"""JAdES (ETSI TS 119 182-1): JSON advanced electronic signatures and seals, as the European
Digital Credentials (Europass, ELM 3.2) carry them: `vc.jades.seal` makes them,
`vc.jades.verify` verifies any body's."""

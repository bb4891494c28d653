"""JAdES (ETSI TS 119 182-1): JSON advanced electronic signatures and seals."""

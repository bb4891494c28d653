"""The certification officer's room: the issuer console, the issuer's HTTP API and VC-API issuer, cohort exports, the issuer's public status lists and Aries pages."""

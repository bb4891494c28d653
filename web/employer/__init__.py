"""The employer's room: the verify page, the VC-API verifier, kept results, the words of a verdict."""

"""vc's private modules: the JSON-LD/RDFC engine and Data Integrity proofs.

Nothing here is public API; names may change without notice. Use `vc.api` (and the public
modules named in `vc.__init__`) instead. Tests may import from here to exercise the engine.
"""

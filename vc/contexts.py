"""The only JSON-LD document loader of s4c: pinned local contexts, never the network.

Every context the project accepts is a file under `schemas/contexts/` listed in its
`manifest.json` with a SHA-256; the hash is checked when the file is first read. A run may
add local files for extra context URLs (`--context URL=FILE`), e.g. the W3C examples context.
"""
import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from vc._internal.context_cache import ContextCache
from vc.errors import ContextError

# schemas/ is data: reading its files does not import any of its code.
PINNED_DIR = Path(__file__).resolve().parent.parent / "schemas" / "contexts"
MAX_CONTEXT_BYTES = 256 * 1024


def _read_json(path: Path, what: str, sha256: str | None = None) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ContextError(f"cannot read {what} from {path}: {e.strerror}") from None
    if len(raw) > MAX_CONTEXT_BYTES:
        raise ContextError(f"{what} at {path} is larger than {MAX_CONTEXT_BYTES} bytes")
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        raise ContextError(
            f"{what} at {path} does not match its pinned SHA-256: the file was changed; "
            "restore it with `make contexts`"
        )
    try:
        doc = json.loads(raw)
    except ValueError as e:
        raise ContextError(f"{what} at {path} is not valid JSON: {e}") from None
    if not isinstance(doc, dict) or "@context" not in doc:
        raise ContextError(f"{what} at {path} is not a JSON-LD context document")
    return doc


class ContextStore:
    """Pinned contexts plus optional per-run extras; `load(url)` or a clear ContextError."""

    def __init__(self, extra: Mapping[str, str | Path | dict] | None = None,
                 pinned_dir: Path = PINNED_DIR) -> None:
        self._pinned_dir = pinned_dir
        self._extra_sources = dict(extra or {})
        self._loaded: dict[str, dict] = {}
        # the contexts processed for vc's JSON-LD engine, one cache per compact_form: whoever
        # owns the store owns them (a service keeps one store for its lifetime)
        self._caches: dict[bool, ContextCache] = {}
        overrides = sorted(set(self._extra_sources) & set(self.manifest))
        if overrides:
            raise ContextError(f"{overrides[0]} is a pinned context: a local file cannot "
                               "replace it (its SHA-256 is fixed)")

    @cached_property
    def manifest(self) -> dict[str, dict]:
        try:
            return json.loads((self._pinned_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ContextError(f"cannot read the pinned context manifest: {e}") from None

    @property
    def key(self) -> tuple:
        """Identifies the set of accepted contexts (used to share processed contexts)."""
        return tuple(sorted((u, str(s) if not isinstance(s, dict) else id(s))
                            for u, s in self._extra_sources.items()))

    def preload(self) -> None:
        """Reads every extra context now, so that a broken file is reported up front."""
        for url in self._extra_sources:
            self.load(url)

    def urls(self) -> list[str]:
        return sorted(set(self.manifest) | set(self._extra_sources))

    def load(self, url: str) -> dict:
        doc = self._loaded.get(url)
        if doc is not None:
            return doc
        if url in self._extra_sources:
            src = self._extra_sources[url]
            doc = src if isinstance(src, dict) else _read_json(Path(src), f"context {url}")
        elif url in self.manifest:
            entry = self.manifest[url]
            doc = _read_json(self._pinned_dir / entry["file"], f"pinned context {url}",
                             entry["sha256"])
        else:
            raise ContextError(
                f"unknown JSON-LD context {url!r}: s4c only accepts its pinned contexts "
                "(and files given with --context URL=FILE); it never fetches contexts"
            )
        self._loaded[url] = doc
        return doc

    def document_loader(self, url: str, options: dict | None = None) -> dict:
        """A pyld-compatible document loader."""
        return {"contextUrl": None, "documentUrl": url, "document": self.load(url)}

    def cache(self, *, compact_form: bool = True) -> ContextCache:
        """This store's processed contexts and memo tables (vc's JSON-LD engine), made once.

        `compact_form=False` only to turn arbitrary JSON-LD into RDF (the JSON-LD tests)."""
        cache = self._caches.get(compact_form)
        if cache is None:
            cache = self._caches.setdefault(compact_form,
                                            ContextCache(self, compact_form=compact_form))
        return cache


_DEFAULT: ContextStore | None = None


def default_store() -> ContextStore:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ContextStore()
    return _DEFAULT

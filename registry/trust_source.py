"""The two `vc.trust.TrustSource` implementations: the registry database and a trust list.

Both build a `TrustSnapshot` from the same kind of signed material with the same rules,
so they answer alike: `DatabaseTrustSource` from the credentials the registry stores,
`TrustListTrustSource` from the operator-signed trust list (a saved file or a URL), fully
offline once read.
"""
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from registry.service import Registry
from registry.snapshot import SignatureChecker, TrustSnapshot, build_snapshot
from registry.trust_list import read_trust_list
from vc.contexts import ContextStore
from vc.errors import FetchError
from vc.fetch import Fetcher, FetchPolicy, HttpFetcher
from vc.trust import Recognition, TrustedIssuer, TrustSourceUnavailable

MAX_TRUST_LIST_BYTES = 16 * 1024 * 1024
Clock = datetime | Callable[[], datetime]


class DatabaseTrustSource:
    """Answers from the registry's database (the verified snapshot, rebuilt after changes)."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def snapshot(self) -> TrustSnapshot:
        try:
            return self._registry.snapshot()
        except SQLAlchemyError as e:
            raise TrustSourceUnavailable(f"the registry database cannot be read: "
                                         f"{type(e).__name__}") from None

    def issuer(self, did: str) -> TrustedIssuer | None:
        return self.snapshot().issuer(did)

    def recognitions(self, achievement_id: str,
                     country: str | None = None) -> list[Recognition]:
        return self.snapshot().recognitions_for(achievement_id, country)


class TrustListTrustSource:
    """Answers from a trust list signed by the registry operator (`operator_did`).

    The list is refused (TrustSourceUnavailable, with the reason) when its signature does
    not verify, it was not issued by the operator, or it is outside its validity period.
    Queries check the expiry again; a list read from a URL is fetched anew once expired.
    """

    def __init__(self, document: object, operator_did: str, *, now: Clock | None = None,
                 location: str | None = None, fetcher: Fetcher | None = None,
                 store: ContextStore | None = None) -> None:
        self._operator_did = operator_did
        self._clock = now
        self._location = location
        self._fetcher = fetcher
        self._checker = SignatureChecker(store)
        self._store = store
        self._load(document)

    @classmethod
    def from_file(cls, path_or_url: str | Path, operator_did: str,
                  fetcher: Fetcher | None = None,
                  now: Clock | None = None) -> "TrustListTrustSource":
        """Reads a saved trust list, or fetches it when given an http(s) URL."""
        location = str(path_or_url)
        document = _read(location, fetcher)
        return cls(document, operator_did, now=now, location=location, fetcher=fetcher)

    @property
    def expires(self) -> datetime:
        return self._expires

    def snapshot(self) -> TrustSnapshot:
        return self._current()

    def issuer(self, did: str) -> TrustedIssuer | None:
        return self._current().issuer(did)

    def recognitions(self, achievement_id: str,
                     country: str | None = None) -> list[Recognition]:
        return self._current().recognitions_for(achievement_id, country)

    def _now(self) -> datetime:
        """`now` as given (a time, or a function giving it), else the current time."""
        if self._clock is None:
            return datetime.now(UTC)
        return self._clock() if callable(self._clock) else self._clock

    def _load(self, document: object) -> None:
        data, self._expires = read_trust_list(document, self._operator_did, self._now(),
                                              self._checker, self._store)
        self._snapshot = build_snapshot(data, self._checker)

    def _current(self) -> TrustSnapshot:
        if self._now() > self._expires:
            if self._location is None or not _is_url(self._location):
                raise TrustSourceUnavailable(
                    f"the trust list expired at {self._expires.isoformat()}; load a fresh one")
            self._load(_read(self._location, self._fetcher))
        return self._snapshot


def _is_url(location: str) -> bool:
    return location.startswith(("https://", "http://"))


def _read(location: str, fetcher: Fetcher | None) -> object:
    if _is_url(location):
        fetcher = fetcher or HttpFetcher(FetchPolicy(max_bytes=MAX_TRUST_LIST_BYTES))
        try:
            raw = fetcher.fetch(location, accept="application/json").body
        except FetchError as e:
            raise TrustSourceUnavailable(f"cannot fetch the trust list: {e}") from None
    else:
        raw = _read_file(Path(location))
    return _parse(raw, location)


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_TRUST_LIST_BYTES + 1)
    except OSError as e:
        raise TrustSourceUnavailable(f"cannot read the trust list {path}: {e.strerror}") from None
    if len(raw) > MAX_TRUST_LIST_BYTES:
        raise TrustSourceUnavailable(f"the trust list {path} is larger than "
                                     f"{MAX_TRUST_LIST_BYTES} bytes")
    return raw


def _parse(raw: bytes, location: str) -> object:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise TrustSourceUnavailable(f"the trust list {location} is not JSON: "
                                     f"{str(e)[:200]}") from None


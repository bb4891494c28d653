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


class SeenSequences:
    """The highest trust-list `sequence` seen per operator, so that an older list (a replay
    of a list from before a revocation) is refused. In memory, or kept in a JSON file so
    that the memory outlives the process (the CLI keeps it in the data directory)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._seen: dict[str, int] = {}
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                self._seen = {str(k): int(v) for k, v in loaded.items()}
            except (OSError, ValueError, TypeError, AttributeError):
                self._seen = {}  # a damaged memory only forgets; it never accepts less

    def accept(self, operator_did: str, sequence: int) -> None:
        """Records `sequence`, or raises TrustSourceUnavailable if a newer one was seen."""
        highest = self._seen.get(operator_did, -1)
        if sequence < highest:
            raise TrustSourceUnavailable(
                f"this trust list is number {sequence}, but number {highest} from the same "
                "operator was already seen: an older list may hide revocations, so it is "
                "refused; fetch the current one")
        if sequence > highest:
            self._seen[operator_did] = sequence
            if self._path is not None:
                tmp = self._path.with_suffix(".tmp")
                try:
                    tmp.write_text(json.dumps(self._seen, sort_keys=True), encoding="utf-8")
                    tmp.replace(self._path)
                except OSError:
                    pass  # not writable: this process still remembers; the check still runs


def list_sequence(document: object) -> int:
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    sequence = subject.get("sequence") if isinstance(subject, dict) else None
    if type(sequence) is not int or sequence < 0:
        raise TrustSourceUnavailable("the trust list has no sequence number")
    return sequence


class TrustListTrustSource:
    """Answers from a trust list signed by the registry operator (`operator_did`).

    The list is refused (TrustSourceUnavailable, with the reason) when its signature does
    not verify, it was not issued by the operator, or it is outside its validity period.
    Queries check the expiry again; a list read from a URL is fetched anew once expired.
    """

    def __init__(self, document: object, operator_did: str, *, now: Clock | None = None,
                 location: str | None = None, fetcher: Fetcher | None = None,
                 store: ContextStore | None = None,
                 seen: SeenSequences | None = None) -> None:
        self._operator_did = operator_did
        self._seen = seen if seen is not None else SeenSequences()
        self._clock = now
        self._location = location
        self._fetcher = fetcher
        self._checker = SignatureChecker(store)
        self._store = store
        self._load(document)

    @classmethod
    def from_file(cls, path_or_url: str | Path, operator_did: str,
                  fetcher: Fetcher | None = None, now: Clock | None = None,
                  seen: SeenSequences | None = None) -> "TrustListTrustSource":
        """Reads a saved trust list, or fetches it when given an http(s) URL."""
        location = str(path_or_url)
        document = _read(location, fetcher)
        return cls(document, operator_did, now=now, location=location, fetcher=fetcher,
                   seen=seen)

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
        # read_trust_list verified the signature: the sequence is signed data
        self._seen.accept(self._operator_did, list_sequence(document))
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


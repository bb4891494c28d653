"""Genuine credentials "from the wild" for the property tests: a role credential the
test issuer signs, with what other wallets and issuers add to it:
- extra nodes: evidence records and achievement alignments (OB 3.0 `Evidence`, `Alignment`);
- 0-2 embedded endorsements (OB 3.0 §B.1 `EndorsementCredential`, signed on their own by
  another body) describing the issuer again or the achievement;
- a `credentialStatus` entry of a type s4c does not implement (1EdTech's, or any absolute URL);
- 0-2 further proofs by other keys (an endorser's, a witness's), as a proof set or a proof
  chain (VC Data Integrity 1.0 §2.1.1, §2.1.2), the issuer's proof at any position.

Each is drawn by a Hypothesis strategy; `WildCredential` keeps what was drawn, so a property
can say which verdict to expect and which signed value to change.
"""
from dataclasses import dataclass

from hypothesis import strategies as st
from test_verifier_support import (
    NOW,
    OB3,
    STORE,
    V2,
    DemoIssuer,
    FakeTrustSource,
    accreditation,
    issuer_world,
    resolver_for,
    role_credential,
    trusted,
)

from vc._internal.dataintegrity import add_proof
from vc.did_key import did_key_from_public_key
from vc.multikey import Ed25519Multikey
from verifier.service import Verifier

OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ISSUER = DemoIssuer()
ENDORSER = DemoIssuer(host="endorse.example.eu")
WORLD = issuer_world(ISSUER)
VERIFIER = Verifier(FakeTrustSource([trusted(ISSUER, accreditation(ISSUER.did))], []),
                    resolver_for(WORLD), WORLD, clock=lambda: NOW, store=STORE)
OTHER_KEYS = [Ed25519Multikey.generate() for _ in range(3)]  # an endorser's, a witness's keys
CACHE = STORE.cache()

# status types s4c does not implement: 1EdTech's, and any absolute URL (no context needed)
STATUS_TYPES = st.one_of(
    st.just("1EdTechRevocationList"),
    st.from_regex(r"https://status\.example/[a-z]{1,12}#[A-Z][A-Za-z0-9]{0,15}",
                  fullmatch=True))
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=20)


def reasons(report) -> str:
    return " | ".join(c.check.technical for c in report.checks if str(c.outcome) != "passed")


def endorsement(subject: dict, n: int = 1, issuer_name: str = "Horse Accreditor") -> dict:
    """An EndorsementCredential by another body, signed on its own."""
    return ENDORSER.sign({
        "@context": [V2, OB3], "id": f"https://endorse.example.eu/e/{n}",
        "type": ["VerifiableCredential", "EndorsementCredential"], "name": "Endorsement",
        "issuer": {"id": ENDORSER.did, "type": ["Profile"], "name": issuer_name},
        "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject})


def sign_with_others(doc: dict, signers: list[int | None], chained: bool) -> dict:
    """`doc` signed by each of `signers` in turn (None: the issuer; n: OTHER_KEYS[n]), as a
    proof set or, `chained`, each proof naming the one before as its previousProof."""
    proofs: list[dict] = []
    for n, signer in enumerate(signers):
        if signer is None:
            key, vm = ISSUER.key, ISSUER.vm
        else:
            key = OTHER_KEYS[signer]
            vm = f"{did_key_from_public_key(key.public_key)}#{key.public_key_multibase}"
        extra = {"id": f"urn:uuid:proof-{n}"}
        base = doc
        if chained and proofs:
            extra["previousProof"] = proofs[-1]["id"]
            base = {**doc, "proof": proofs if len(proofs) > 1 else proofs[0]}
        signed = add_proof(base, key, verification_method=vm, created="2026-06-01T00:00:00Z",
                           extra=extra, cache=CACHE)
        proofs.append(signed["proof"][-1] if isinstance(signed["proof"], list)
                      else signed["proof"])
    return {**doc, "proof": proofs if len(proofs) > 1 else proofs[0]}


@dataclass(frozen=True)
class WildCredential:
    credential: dict
    unknown_status: bool  # it carries a status entry of a type s4c does not implement
    extra_evidence: int  # how many evidence records were added
    endorsements: int
    other_proofs: int

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example: the shape
        return (f"WildCredential(unknown_status={self.unknown_status}, "
                f"extra_evidence={self.extra_evidence}, endorsements={self.endorsements}, "
                f"other_proofs={self.other_proofs}, credential={self.credential!r})")


@st.composite
def extra_evidence(draw) -> list[dict]:
    named = draw(st.dictionaries(st.integers(0, 10**6), texts, max_size=2))
    return [{"id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}", "type": ["Evidence"],
             "name": name, "narrative": name} for i, name in named.items()]


@st.composite
def extra_alignments(draw) -> list[dict]:
    named = draw(st.dictionaries(st.integers(0, 999), texts, max_size=2))
    return [{"type": ["Alignment"], "targetName": name,
             "targetUrl": f"https://skills.example/framework/{i}",
             "targetFramework": "A framework from the wild"} for i, name in named.items()]


@st.composite
def endorsements_of(draw, doc: dict) -> None:
    """0-2 endorsements, each of the issuer (described again) or of the achievement, embedded
    where OB 3.0 puts them (`Profile.endorsement`, `Achievement.endorsement`)."""
    achievement = doc["credentialSubject"]["achievement"]
    drawn = draw(st.lists(st.tuples(st.booleans(), texts, texts), max_size=2))
    for k, (of_issuer, name, comment) in enumerate(drawn):
        if of_issuer:
            subject = {"id": ISSUER.did, "type": ["EndorsementSubject"],
                       "endorsementComment": comment}
            holder = doc["issuer"]
        else:
            subject = {"id": achievement["id"], "type": ["EndorsementSubject"],
                       "endorsementComment": comment}
            holder = achievement
        holder.setdefault("endorsement", []).append(endorsement(subject, n=k, issuer_name=name))


@st.composite
def wild_credentials(draw) -> WildCredential:
    """A genuine role credential with all four kinds of wild additions drawn together."""
    doc = role_credential(ISSUER)
    evidence = draw(extra_evidence())
    doc["evidence"] = draw(st.permutations([*doc["evidence"], *evidence]))
    achievement = doc["credentialSubject"]["achievement"]
    achievement["alignment"] = [*achievement["alignment"], *draw(extra_alignments())]
    draw(endorsements_of(doc))
    endorsed = len(doc["issuer"].get("endorsement", [])) + len(achievement.get("endorsement", []))
    unknown_status = draw(st.booleans())
    if unknown_status:
        del doc["credentialSchema"]  # s4c's own schema allows only its own status entries
        doc["@context"] = [*doc["@context"], OB3_EXTENSIONS]  # defines 1EdTechRevocationList
        entry = {"id": f"{ISSUER.base_url}/revocations/{draw(st.integers(1, 9999))}",
                 "type": draw(STATUS_TYPES)}
        doc["credentialStatus"] = draw(st.permutations([*doc["credentialStatus"], entry]))
    others = draw(st.lists(st.sampled_from(range(len(OTHER_KEYS))), max_size=2, unique=True))
    signers = draw(st.permutations([None, *others]))  # None: the issuer, at any position
    credential = sign_with_others(doc, signers, chained=draw(st.booleans()))
    return WildCredential(credential, unknown_status, len(evidence), endorsed, len(others))

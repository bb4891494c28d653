"""Where a certification body's name comes from: one accountable source.

The name (and country) the registry shows for a body, in its pages, its trust list and every
verification report, is the registry operator's registration of that body, made with
`Registry.register_body` and audited. A trust anchor's accreditation may word the body's
name too; that wording stays the anchor's, shown beside that one accreditation and
attributed to it (`vc.trust.Accreditation.body_name`). An anchor can never set or change the
body's name, so one anchor cannot rename a body that another anchor accredited.

DID Core 1.0 gives a DID document no display name (`alsoKnownAs` holds URIs), so the body's
own DID document cannot be that source; its keys come from it (`registry.body_keys`).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegisteredBody:
    """The operator's registration of a body: its name by language, and its country."""

    name: dict[str, str] = field(default_factory=dict)
    country: str | None = None

"""Every service's table metadata in one place, for Alembic (`target_metadata`)."""
from sqlalchemy import MetaData

import issuer.models  # noqa: F401  (registers the issuer tables on its Base)
import verifier.vp_requests  # noqa: F401  (registers the OpenID4VP requests on the verifier's)
from issuer.audit import Base as IssuerBase
from registry.models import Base as RegistryBase
from verifier.models import Base as VerifierBase

# Add each service's declarative Base.metadata here when it gains tables.
SERVICE_METADATA: list[MetaData] = [IssuerBase.metadata, RegistryBase.metadata,
                                   VerifierBase.metadata]

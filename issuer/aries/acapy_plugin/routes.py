"""Admin route of the s4c plugin: `GET /s4c/contexts` says whether the pinned loader is bound
and which contexts and DID documents it serves (the controller waits for `bound`)."""
from acapy_agent.admin.decorators.auth import tenant_authentication
from acapy_agent.admin.request_context import AdminRequestContext
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from aiohttp import web
from aiohttp_apispec import docs

from issuer.aries.acapy_plugin import PinnedDocumentLoader


@docs(tags=["s4c"], summary="The pinned JSON-LD document loader of the s4c plugin")
@tenant_authentication
async def pinned_contexts(request: web.BaseRequest) -> web.Response:
    context: AdminRequestContext = request["context"]
    loader = context.profile.inject_or(DocumentLoader)
    if not isinstance(loader, PinnedDocumentLoader):
        return web.json_response({"bound": False, "contexts": [], "did_documents": []})
    return web.json_response({"bound": True, "contexts": loader.urls(),
                              "did_documents": sorted(loader.did_documents),
                              "refused": list(loader.refused)})


async def register(app: web.Application) -> None:
    app.add_routes([web.get("/s4c/contexts", pinned_contexts, allow_head=False)])

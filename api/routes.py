"""HTTP routes: thin translations between the JSON contract and the retrieval pipeline."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AfterValidator

from api.auth import allowed
from api.compute import sole_connection
from api.deps import QADep, ServiceDep
from api.errors import AdminOffError, NotReadyError, UnauthorizedError
from api.middleware import note_answer
from api.schemas import (
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentsResponse,
    ErrorResponse,
    HealthResponse,
    ReadyResponse,
    ReloadResponse,
    SearchResponse,
    SectionOut,
    not_blank,
)
from api.service import Given
from retriever.limits import MAX_K, MAX_QUESTION_CHARS

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "Invalid input; `errors` names each field."},
    503: {"model": ErrorResponse, "description": "Index or model not loaded (yet)."},
}


@router.post("/ask", response_model=AskResponse, responses=_ERRORS, tags=["questions"])
async def ask(body: AskRequest, request: Request, qa: QADep, service: ServiceDep) -> JSONResponse:
    """Answer a question with sentences copied from the guide, each cited as [n].

    `history` (earlier questions of the same chat, oldest first) lets a follow-up such as "and
    ML engineers?" be read with the question before it. The `id` is what POST /feedback takes.
    """
    started = time.perf_counter()
    answer = await service.compute.run(
        lambda: qa.ask(body.question, body.top_k, body.documents, body.history or ()),
        sole=sole_connection(request.scope),
    )
    note_answer(request.state, answer)
    m = qa.build.manifest
    answer_id = service.answers.remember(Given(body.question, answer, m.build_id, m.model.name))
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    # The shape is AskResponse's (response_model documents it); built from the one to_dict,
    # it needs no second validation on the way out.
    return JSONResponse({"id": answer_id, **answer.to_dict(), "took_ms": took_ms})


@router.get("/search", response_model=SearchResponse, responses=_ERRORS, tags=["questions"])
async def search(
    request: Request,
    qa: QADep,
    service: ServiceDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUESTION_CHARS,
            description="What to look for.",
            examples=["Which tools do ML engineers use?"],
        ),
        AfterValidator(not_blank),
    ],
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many passages.")] = 5,
    documents: Annotated[
        list[str] | None,
        Query(max_length=50, description="Only these document ids; repeat to give several."),
    ] = None,
) -> JSONResponse:
    """The passages closest to the query, best first."""
    hits = await service.compute.run(
        lambda: qa.search(q, k, documents), sole=sole_connection(request.scope)
    )
    return JSONResponse({"query": q, "hits": [h.to_dict() for h in hits]})


@router.get(
    "/documents",
    response_model=DocumentsResponse,
    responses={503: _ERRORS[503]},
    tags=["questions"],
)
def documents(qa: QADep) -> DocumentsResponse:
    """The guides in the index, with their sections and chunk counts."""
    manifest = qa.build.manifest
    return DocumentsResponse(
        documents=[
            DocumentOut(
                id=d.id,
                title=d.title,
                source=d.source,
                sha256=d.sha256,
                chunks=sum(s.chunks for s in d.sections),
                sections=[
                    SectionOut(title=s.title, chunks=s.chunks, navigation=s.navigation)
                    for s in d.sections
                ],
                related=list(d.related),
            )
            for d in manifest.documents
        ]
    )


@router.post(
    "/admin/reload",
    response_model=ReloadResponse,
    responses={
        401: {"model": ErrorResponse, "description": "Missing or wrong token."},
        404: {"model": ErrorResponse, "description": "Admin routes are off (no token set)."},
        503: _ERRORS[503],
    },
    tags=["operations"],
)
def reload(
    service: ServiceDep,
    authorization: Annotated[
        str | None, Header(description="Bearer <GUIDE_RAG_ADMIN_TOKEN>")
    ] = None,
) -> ReloadResponse:
    """Serve the newly published index now (the server also polls for it). Off without a token."""
    token = service.settings.server.admin_token
    if token is None:
        raise AdminOffError("admin routes are off: set GUIDE_RAG_ADMIN_TOKEN")
    if not allowed(authorization, token):
        raise UnauthorizedError("send Authorization: Bearer <admin token>")
    service.require()
    swapped = service.reload()
    return ReloadResponse(reloaded=swapped, build_id=service.require().build.manifest.build_id)


# Probes and metrics run on the event loop: never queued behind /ask's threads, behind one
# question at most (api/compute.py).
@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format: requests, latency, abstentions, the served index."""
    registry = request.app.state.metrics
    qa = request.app.state.service.qa
    if qa is not None:
        manifest = qa.build.manifest
        registry.index_chunks.set(manifest.chunk_count)
        registry.index_documents.set(len(manifest.documents))
        registry.index_built.set(datetime.fromisoformat(manifest.built_at).timestamp())
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/health", response_model=HealthResponse, tags=["operations"])
async def health() -> HealthResponse:
    """200 while the process lives."""
    return HealthResponse(status="ok")


@router.get(
    "/ready",
    response_model=ReadyResponse,
    responses={503: {"model": ErrorResponse, "description": "Still loading, or cannot load."}},
    tags=["operations"],
)
async def ready(service: ServiceDep) -> ReadyResponse:
    """200 once the index and model are loaded, 503 (with the reason) before."""
    qa = service.qa
    if qa is None:
        raise NotReadyError(str(service.error) if service.error else "loading the index and model")
    m = qa.build.manifest
    adapting = service.adaptation.status
    return ReadyResponse(
        model=m.model.name,
        adaptation=adapting.state,
        adaptation_detail=adapting.detail,
        documents=len(m.documents),
        chunks=m.chunk_count,
        build_id=m.build_id,
        index_built_at=m.built_at,
        abstention=qa.abstention.kind,
        abstain_below=qa.abstention.threshold,
        abstention_source=qa.abstention.source,
    )

"""POST /feedback: a reader's verdict on an answer the server gave recently.

The server remembers its last answers (question, text, citations) in memory only; a verdict
copies its answer into the feedback store. So a question is written to disk only when a reader
gives feedback on it, and only there: never in a log.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServiceDep
from api.errors import UnknownAnswerError
from api.schemas import ErrorResponse
from feedback.store import FeedbackUnavailableError, Verdict
from retriever.errors import InvalidQueryError

log = logging.getLogger("guide_rag.api")
router = APIRouter(tags=["feedback"])


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"answer_id": "ans_3f2a…", "verdict": "helpful"}]},
    )

    answer_id: Annotated[str, Field(min_length=1, max_length=64, description="From /ask's id.")]
    verdict: Literal["helpful", "not_helpful"]
    citation: Annotated[
        int | None, Field(ge=1, le=50, description="The [n] that answered the question.")
    ] = None


class FeedbackResponse(BaseModel):
    stored: bool
    feedback_id: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No recent answer has this id."},
    422: {"model": ErrorResponse, "description": "Invalid input; `errors` names each field."},
    429: {"model": ErrorResponse, "description": "Too many verdicts; retry shortly."},
    503: {"model": ErrorResponse, "description": "The feedback database is unavailable."},
    507: {"model": ErrorResponse, "description": "The feedback store is full."},
}


@router.post("/feedback", response_model=FeedbackResponse, responses=_ERRORS)
async def post_feedback(body: FeedbackRequest, service: ServiceDep) -> FeedbackResponse:
    """Record whether an answer helped, and optionally which citation answered."""
    service.feedback_rate.take()
    given = service.answers.get(body.answer_id)
    if given is None:
        raise UnknownAnswerError(
            f"no recent answer {body.answer_id!r}: rate an answer of this server, soon"
        )
    cited = {c.n for c in given.answer.citations}
    if body.citation is not None and body.citation not in cited:
        reason = f"answer {body.answer_id!r} cites {sorted(cited) or 'nothing'}"
        raise InvalidQueryError("citation", reason)
    verdict = Verdict(
        answer_id=body.answer_id, verdict=body.verdict, question=given.question,
        answer=given.answer.text, citations=given.answer.citations, chosen=body.citation,
        build_id=given.build_id, model=given.model,
    )  # fmt: skip
    try:
        # Committed before the 200, on the store's own threads (see Service.feedback_threads).
        stored = await anyio.to_thread.run_sync(
            service.feedback.add, verdict, limiter=service.feedback_threads
        )
    except FeedbackUnavailableError as exc:
        log.warning("feedback not stored: %s", exc.reason)  # the client gets a plain 503
        raise
    return FeedbackResponse(stored=True, feedback_id=stored)

"""Pydantic models of our HTTP contract (the OpenAI-compatible ones are in api/openai.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from retriever.limits import MAX_HISTORY, MAX_K, MAX_QUESTION_CHARS

Question = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        # "Not blank" in the schema for clients and fuzzers; the validator words the error.
        json_schema_extra={"pattern": r"\S"},
        description=f"A free-text question, 1–{MAX_QUESTION_CHARS} characters, not blank.",
    ),
]


def _number_not_text(value: object) -> object:
    """JSON numbers only: 5 and 5.0 are fine (JSON Schema's integer), "5" and true are not."""
    if isinstance(value, bool | str):
        raise ValueError("Input should be a valid integer")
    return value


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": "How much do entry-level AI engineers earn?", "top_k": 5},
                {"question": "Which tools do ML engineers use?"},
            ]
        },
    )

    question: Question
    top_k: Annotated[
        int,
        Field(ge=1, le=MAX_K, description="How many passages to consider."),
        BeforeValidator(_number_not_text),
    ] = 5
    documents: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]] | None,
        Field(max_length=50, description="Only these document ids (see GET /documents)."),
    ] = None
    history: Annotated[
        list[Annotated[str, Field(max_length=MAX_QUESTION_CHARS)]] | None,
        Field(
            max_length=MAX_HISTORY,
            description="Earlier questions of the same chat, oldest first, for follow-ups.",
        ),
    ] = None

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return not_blank(value)


class CitationOut(BaseModel):
    n: int = Field(description="The number the answer uses: [n].")
    document: str
    section: str
    chunk_id: str
    score: float
    text: str


class AskResponse(BaseModel):
    id: str = Field(description="This answer's id, for POST /feedback.")
    answer: str
    abstained: bool = Field(description="True when the guide does not cover the question.")
    social: bool = Field(
        description='True when the question asked nothing ("hi", "thanks!"): the answer '
        "says what the assistant does, cites nothing, and `abstained` is true too."
    )
    citations: list[CitationOut]
    read_with: list[str] = Field(
        description="Earlier questions of the chat this one was read with (a follow-up)."
    )
    took_ms: float


class SearchHit(BaseModel):
    rank: int
    document: str
    section: str
    chunk_id: str
    score: float
    text: str


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHit]


class SectionOut(BaseModel):
    title: str
    chunks: int
    navigation: bool = Field(description="Table of contents or links: kept, never searched.")


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str
    sha256: str
    chunks: int
    sections: list[SectionOut]
    related: list[str] = Field(description="Links to other guides the document lists.")


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]


class ReloadResponse(BaseModel):
    reloaded: bool = Field(description="False when the published index was already served.")
    build_id: str


class HealthResponse(BaseModel):
    status: str


class ReadyResponse(BaseModel):
    model: str = Field(description="The model serving: the one the published index was built with.")
    adaptation: str = Field(
        description="`off`, or the model's adaptation to the guides beside serving: `waiting`, "
        "`running`, `done` (the adapted model and its index are swapped in together), `failed`."
    )
    adaptation_detail: str
    documents: int
    chunks: int
    build_id: str
    index_built_at: str
    abstention: str = Field(
        description="`judge`: the probability that the guides answer a question, weighed from "
        "its evidence; `cosine`: the best passage's cosine (no judge, or GUIDE_RAG_MIN_SCORE)."
    )
    abstain_below: float = Field(description="/ask abstains under this probability or cosine.")
    abstention_source: str = Field(
        description="Where the rule came from: the model's calibration (on which questions), "
        "GUIDE_RAG_MIN_SCORE, or the measured fallback."
    )


class FieldError(BaseModel):
    field: str = Field(description="The offending field, e.g. 'question' or 'top_k'.")
    reason: str


class ErrorResponse(BaseModel):
    error: str = Field(description="A short machine-readable code, e.g. 'invalid_request'.")
    message: str
    errors: list[FieldError] = Field(default_factory=list)

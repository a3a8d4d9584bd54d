"""The MCP contract: what the tools say they are for, their typed arguments (the JSON schema a
model reads: types, bounds, descriptions; the bounds are /ask's) and the shape of their
structured results."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas import CitationOut, SearchHit
from retriever.limits import MAX_HISTORY, MAX_K, MAX_QUESTION_CHARS

INSTRUCTIONS = (
    "guide-rag answers questions from a fixed set of written guides, quoting their own sentences "
    "with numbered citations. Call list_guides to see which guides and sections there are. Use "
    "ask_guide for a question the guides may answer, and pass the chat's earlier questions as "
    "`history` for a follow-up; quote its answer and sources rather than rewording them. When it "
    "says the guides do not cover the question, say so instead of answering from memory. Use "
    "search_guide to read the passages around a topic, and read a guide://<document>/<section> "
    "resource for a whole section."
)
ASK = (
    "Answer a question from the guides, with numbered citations. Use it whenever the user asks "
    "something the guides may cover (list_guides names them). The answer is built only from "
    "the guides' own sentences, each ending with [n], followed by a 'Sources:' line per [n]; "
    "structured content holds each citation's document, section, chunk id and score. For a "
    "follow-up such as 'and for ML engineers?', pass the earlier questions of the chat as "
    "`history`. If the guides do not cover the question the result says so and `abstained` is "
    "true: tell the user rather than answer from memory."
)
SEARCH = (
    "Find the passages of the guides closest to a query, best first, each with its document, "
    "section, chunk id and cosine score (higher is closer). Use it to read what the guides say "
    "about a topic, or to gather evidence when ask_guide's short answer is not enough. It never "
    "abstains: judge the scores. `documents` limits it to those guide ids (from list_guides)."
)
LIST = (
    "List the guides this server answers from: each guide's id and title, and its sections with "
    "the resource URI (guide://<document>/<section>) that reads a section whole. Use it to learn "
    "what the guides cover, to pick document ids for search_guide, or to find a section to read."
)

Question = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        json_schema_extra={"pattern": r"\S"},
        description="The user's question, in their own words (the guides' words match best).",
    ),
]
Query = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        json_schema_extra={"pattern": r"\S"},
        description="What to look for, best in the words a guide would use.",
    ),
]
History = Annotated[
    tuple[Annotated[str, Field(max_length=MAX_QUESTION_CHARS)], ...],
    Field(
        max_length=MAX_HISTORY,
        description=(
            f"The chat's earlier questions, oldest first (at most {MAX_HISTORY}), so a follow-up "
            "such as 'and ML engineers?' is read with them. Omit for a new question."
        ),
    ),
]
K = Annotated[int, Field(ge=1, le=MAX_K, description=f"How many passages, 1–{MAX_K}.")]
Documents = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=200)], ...],
    Field(max_length=50, description="Only these guide ids (see list_guides); omit for all."),
]


class AskResult(BaseModel):
    answer: str = Field(description="The guides' sentences, each ending with its citation [n].")
    abstained: bool = Field(description="True when the guides do not cover the question.")
    social: bool = Field(
        description='True when the question asked nothing ("hi", "thanks!"): the answer '
        "says what the assistant does, cites nothing, and `abstained` is true too."
    )
    citations: list[CitationOut]
    read_with: list[str] = Field(
        description="Earlier questions of the chat this one was read with (a follow-up)."
    )


class SearchResult(BaseModel):
    query: str
    hits: list[SearchHit]


class SectionRef(BaseModel):
    title: str
    chunks: int = Field(description="How many passages the section holds.")
    uri: str = Field(description="The resource that reads the section whole.")


class GuideOut(BaseModel):
    id: str = Field(description="The id search_guide's `documents` takes.")
    title: str
    source: str
    sections: list[SectionRef]


class GuidesResult(BaseModel):
    guides: list[GuideOut]

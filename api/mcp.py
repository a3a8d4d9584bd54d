"""The guides over MCP (Model Context Protocol), for the assistants people already use: Claude
Desktop, VS Code and Cursor agents, any MCP host.

Three read-only tools over the same QA as /ask (ask_guide, search_guide, list_guides), and each
section of each guide as a resource, guide://<document>/<section>. `guide-rag mcp` serves this
over stdio; `guide-rag serve` at /mcp over streamable HTTP (api/mcp_http.py). Bad arguments are
tool errors (isError) naming the field, as a model can read and correct them; the bounds are
/ask's (retriever/limits.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceNotFoundError,
    ToolError,
    UnexpectedToolError,
)
from mcp.server.mcpserver.resources.templates import ResourceSecurity
from mcp.shared.exceptions import MCPError
from mcp.shared.uri_template import UriTemplate
from mcp.types import (
    INTERNAL_ERROR,
    CallToolResult,
    InputRequiredResult,
    TextContent,
    ToolAnnotations,
)
from mcp.types import Resource as ResourceInfo
from pydantic import ValidationError
from starlette.requests import Request

from api.answer_text import message_text
from api.mcp_schemas import (
    ASK,
    INSTRUCTIONS,
    LIST,
    SEARCH,
    AskResult,
    Documents,
    GuideOut,
    GuidesResult,
    History,
    K,
    Query,
    Question,
    SearchResult,
    SectionRef,
)
from api.middleware import note_answer
from retriever.errors import GuideRagError, InvalidQueryError
from retriever.qa import QA
from retriever.types import Hit

SECTION_URI = "guide://{document}/{section}"
_TEMPLATE = UriTemplate.parse(SECTION_URI)
SEARCH_NAMES = {"question": "query", "top_k": "k"}  # QA's names for search_guide's arguments
T = TypeVar("T")
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


class GuideServer(MCPServer[Any]):
    """An MCPServer whose resources are the sections of the build the QA serves right now (the
    server may hot-swap it), and whose argument errors name the field."""

    def __init__(self, qa: Callable[[], QA]) -> None:
        super().__init__("guide-rag", title="Guides", version="0.1.0", instructions=INSTRUCTIONS)
        self.qa = qa

    async def list_resources(self) -> list[ResourceInfo]:
        try:
            qa = self.qa()
        except GuideRagError as exc:  # still loading: the reason, not a crash
            raise MCPError(code=INTERNAL_ERROR, message=str(exc)) from exc
        return [
            ResourceInfo(
                uri=section.uri,
                name=f"{guide.id}/{section.title}",
                title=section.title
                if section.title == guide.title
                else f"{section.title} — {guide.title}",
                description=f"The section '{section.title}' of {guide.title}, whole "
                f"({_passages(section.chunks)}).",
                mime_type="text/plain",
            )
            for guide in guides(qa)
            for section in guide.sections
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            # The SDK words a bad argument with the rejected value and prefixes every error with
            # "Error executing tool"; a model reads `field: reason` best, as /ask's 422 says it.
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError):  # a crash (ours): the SDK hides its text
                raise
            if isinstance(cause, ValidationError):
                raise ToolError(invalid_arguments(cause)) from cause
            if isinstance(cause, ToolError):
                raise ToolError(str(cause)) from cause
            raise


def build_server(qa: Callable[[], QA]) -> GuideServer:
    """The MCP server over whatever `qa()` serves when a call comes (it raises while loading)."""
    server = GuideServer(qa)

    def ask_guide(
        question: Question, ctx: Context[Any, Any], history: History = ()
    ) -> Annotated[CallToolResult, AskResult]:
        answer = _served(lambda: qa().ask(question, history=history))
        request = ctx.request_context.request
        if isinstance(request, Request):  # over HTTP: the request log and metrics count it
            note_answer(request.state, answer)
        return CallToolResult(
            content=[TextContent(type="text", text=message_text(answer))],
            structured_content=answer.to_dict(),
        )

    def search_guide(
        query: Query, k: K = 5, documents: Documents = ()
    ) -> Annotated[CallToolResult, SearchResult]:
        hits = _served(lambda: qa().search(query, k, documents or None), SEARCH_NAMES)
        return CallToolResult(
            content=[TextContent(type="text", text=hits_text(hits))],
            structured_content={"query": query, "hits": [h.to_dict() for h in hits]},
        )

    def list_guides() -> Annotated[CallToolResult, GuidesResult]:
        found = _served(lambda: guides(qa()))
        return CallToolResult(
            content=[TextContent(type="text", text=guides_text(found))],
            structured_content=GuidesResult(guides=found).model_dump(mode="json"),
        )

    def read_section(document: str, section: str) -> str:
        try:
            build = qa().build
        except GuideRagError as exc:
            raise MCPError(code=INTERNAL_ERROR, message=str(exc)) from exc
        chunks = [c for c in build.chunks if c.document_id == document and c.section == section]
        if not chunks:
            raise ResourceNotFoundError(
                f"no section {section!r} in guide {document!r}: list_guides names them"
            )
        return "\n\n".join(c.text for c in sorted(chunks, key=lambda c: c.position))

    for tool, description in ((ask_guide, ASK), (search_guide, SEARCH), (list_guides, LIST)):
        server.add_tool(tool, description=description, annotations=READ_ONLY)
    server.resource(
        SECTION_URI,
        name="guide_section",
        title="A section of a guide",
        description="One section of a guide, its passages in reading order (URL-encode the "
        "section title; list_guides gives each section's URI).",
        mime_type="text/plain",
        # Both values are only looked up in the index, never used as paths: a section may be
        # titled "CI/CD" or "../" and still be a section.
        security=ResourceSecurity(exempt_params={"document", "section"}),
    )(read_section)
    return server


def section_uri(document: str, section: str) -> str:
    return _TEMPLATE.expand({"document": document, "section": section})


def guides(qa: QA) -> list[GuideOut]:
    """The served guides and their readable sections (navigation holds no passages)."""
    return [
        GuideOut(
            id=d.id,
            title=d.title,
            source=d.source,
            sections=[
                SectionRef(title=s.title, chunks=s.chunks, uri=section_uri(d.id, s.title))
                for s in d.sections
                if s.chunks
            ],
        )
        for d in qa.build.manifest.documents
    ]


def hits_text(hits: list[Hit]) -> str:
    if not hits:
        return "No passages."
    return "\n\n".join(
        f"{h.rank}. {h.chunk.section} — {h.chunk.document_id} (chunk {h.chunk.id}, score "
        f"{h.score:.3f})\n{h.chunk.text}"
        for h in hits
    )


def guides_text(found: list[GuideOut]) -> str:
    return "\n\n".join(
        f"{g.title} (id: {g.id})\n"
        + "\n".join(f"- {s.title} ({_passages(s.chunks)}): {s.uri}" for s in g.sections)
        for g in found
    )


def _passages(n: int) -> str:
    return f"{n} passage" + ("" if n == 1 else "s")


def invalid_arguments(exc: ValidationError) -> str:
    """`field: reason` per problem, as /ask's 422 words them (never the rejected value)."""
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "arguments"
        problems.append(f"{field}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(problems)


def _served(call: Callable[[], T], names: Mapping[str, str] | None = None) -> T:
    """`call()`, with a domain error (a bad argument, the index still loading) as a tool error
    that says what to fix; `names` maps the QA's field names to the tool's."""
    try:
        return call()
    except InvalidQueryError as exc:
        raise ToolError(f"{(names or {}).get(exc.field, exc.field)}: {exc.reason}") from exc
    except GuideRagError as exc:
        raise ToolError(str(exc)) from exc

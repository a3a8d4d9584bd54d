"""The MCP server, used by the `mcp` SDK's own client over both transports: `guide-rag mcp` as a
stdio subprocess, and /mcp of a real `guide-rag serve` over streamable HTTP (with its API key)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx
import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from config.settings import Settings
from ingest.build import run_ingest
from retriever.qa import QA
from tests.helpers import CLI, GUIDE, NO_CA, ROOT, env_for, live_server

pytestmark = pytest.mark.server
KEY = "sk-mcp-test"
SALARY = "$90,000 to $130,000"
# The fake model matches words: questions use the guide's own.
ASK_SALARY = "What salary do entry level AI engineers typically start at?"
GUIDE_ID = "ai-vs-ml-engineering-career-guide"
CAREER = "Career growth opportunities and market demand in AI and ML fields"
CAREER_URI = f"guide://{GUIDE_ID}/Career%20growth%20opportunities%20and%20market%20demand%20in%20AI%20and%20ML%20fields"
T = TypeVar("T")
Run = Callable[[Callable[[Client], Awaitable[Any]]], Any]


@pytest.fixture(scope="module")
def base(fake_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("mcp")
    env = {**env_for(fake_index), "GUIDE_RAG_API_KEY": KEY,
           "GUIDE_RAG_FEEDBACK_DB": str(tmp / "feedback.sqlite3")}  # fmt: skip
    with live_server(env, tmp / "server.log") as url:
        yield url


@asynccontextmanager
async def over_http(url: str, key: str | None = KEY, mode: str = "auto") -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60, verify=NO_CA) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        yield client


@asynccontextmanager
async def over_stdio(settings: Settings, mode: str = "auto", **env: str) -> AsyncIterator[Client]:
    command = StdioServerParameters(
        command=CLI[0],
        args=[*CLI[1:], "mcp"],
        env={**os.environ, **env_for(settings), **env},
        cwd=ROOT,
    )
    async with Client(command, mode=mode) as client:
        yield client


# One stdio server per protocol era for the module, as a host keeps one session open: each
# test's scenario runs on it in a blocking portal's event loop (a fresh `guide-rag mcp` per test
# cost 2 s of imports each; tests/api/test_mcp.py was the fast suite's slowest module).
@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as running:
        yield running


@pytest.fixture(scope="module")
def stdio_clients(portal: BlockingPortal, fake_index: Settings) -> Iterator[dict[str, Client]]:
    with (
        portal.wrap_async_context_manager(over_stdio(fake_index, "auto")) as auto,
        portal.wrap_async_context_manager(over_stdio(fake_index, "legacy")) as legacy,
    ):
        yield {"auto": auto, "legacy": legacy}


def fresh(connection: Callable[[], AbstractAsyncContextManager[Client]]) -> Run:
    """A new connection for each scenario."""

    def run(scenario: Callable[[Client], Awaitable[Any]]) -> Any:
        async def go() -> Any:
            async with connection() as client:
                return await scenario(client)

        return anyio.run(go)

    return run


# Each transport in both protocol eras: "auto" settles on the SDK's newest (2026-07-28, no
# handshake); "legacy" is the initialize handshake (2025-11-25) the hosts in use today speak.
# `portal` is named, not looked up: tests/conftest.py keeps a module's tests on one xdist worker
# by the module-scoped fixtures they name, and without it each worker started both stdio servers
# and the HTTP one for its share of these tests.
@pytest.fixture(params=["stdio-auto", "stdio-legacy", "http-auto", "http-legacy"])
def connect(request: pytest.FixtureRequest, portal: BlockingPortal) -> Run:
    transport, mode = request.param.split("-")
    if transport == "stdio":
        client: Client = request.getfixturevalue("stdio_clients")[mode]
        return lambda scenario: portal.call(scenario, client)
    url = f"{request.getfixturevalue('base')}/mcp"
    return fresh(lambda: over_http(url, mode=mode))


def session(connect: Run, scenario: Callable[[Client], Awaitable[T]]) -> T:
    """`scenario` run against the transport's client."""
    result: T = connect(scenario)
    return result


def call(connect: Run, tool: str, arguments: dict[str, Any]) -> Any:
    return session(connect, lambda c: c.call_tool(tool, arguments))


def test_lists_the_tools_with_typed_schemas(connect: Run) -> None:
    tools = {t.name: t for t in session(connect, lambda c: c.list_tools()).tools}
    assert set(tools) == {"ask_guide", "search_guide", "list_guides"}
    ask = tools["ask_guide"].input_schema
    assert ask["required"] == ["question"]
    question = ask["properties"]["question"]
    assert (question["type"], question["minLength"], question["maxLength"]) == ("string", 1, 1000)
    assert question["description"]
    history = ask["properties"]["history"]
    assert history["type"] == "array" and history["maxItems"] == 20
    assert history["items"] == {"type": "string", "maxLength": 1000}
    k = tools["search_guide"].input_schema["properties"]["k"]
    assert (k["type"], k["minimum"], k["maximum"], k["default"]) == ("integer", 1, 20, 5)
    assert tools["search_guide"].input_schema["properties"]["documents"]["type"] == "array"
    assert tools["list_guides"].input_schema.get("properties", {}) == {}
    for tool in tools.values():
        assert "Use it" in (tool.description or "")
        assert tool.annotations is not None and tool.annotations.read_only_hint
        assert tool.output_schema is not None
    citation = tools["ask_guide"].output_schema["$defs"]["CitationOut"]["properties"]  # type: ignore[index]
    assert {"document", "section", "chunk_id", "score"} <= set(citation)


def test_ask_guide_gives_cited_text_and_structured_citations(connect: Run) -> None:
    result = call(connect, "ask_guide", {"question": ASK_SALARY})
    assert not result.is_error
    text = result.content[0].text
    assert SALARY in text and "[1]" in text
    assert f"\n\nSources:\n[1] {CAREER} — {GUIDE_ID}" in text
    answer = result.structured_content
    assert answer["abstained"] is False and answer["read_with"] == []
    assert answer["social"] is False
    first = answer["citations"][0]
    assert (first["n"], first["document"], first["section"]) == (1, GUIDE_ID, CAREER)
    assert SALARY in first["text"] and first["chunk_id"] and 0 < first["score"] <= 1


def test_ask_guide_reads_a_follow_up_with_its_history(connect: Run) -> None:
    result = call(connect, "ask_guide", {"question": "and ML engineers?", "history": [ASK_SALARY]})
    assert "ML engineers see similar ranges" in result.content[0].text
    assert result.structured_content["read_with"] == [ASK_SALARY]


def test_an_abstention_is_a_normal_result(connect: Run) -> None:
    result = call(connect, "ask_guide", {"question": "zyzzyva quokka marmalade?"})
    assert not result.is_error
    assert "does not cover" in result.content[0].text
    assert result.structured_content["abstained"] is True
    assert result.structured_content["citations"] == []


def test_search_guide_gives_passages_with_their_sections(connect: Run) -> None:
    args = {"query": ASK_SALARY, "k": 3, "documents": [GUIDE_ID]}
    result = call(connect, "search_guide", args)
    hits = result.structured_content["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert hits[0]["section"] == CAREER and SALARY in hits[0]["text"]
    assert f"1. {CAREER} — {GUIDE_ID}" in result.content[0].text


def test_list_guides_names_documents_and_sections(connect: Run) -> None:
    result = call(connect, "list_guides", {})
    (guide,) = result.structured_content["guides"]
    assert guide["id"] == GUIDE_ID
    sections = {s["title"]: s for s in guide["sections"]}
    assert sections[CAREER]["uri"] == CAREER_URI and sections[CAREER]["chunks"] > 0
    assert "Table of Contents" not in sections  # navigation: nothing to read
    assert f"- {CAREER} (" in result.content[0].text


def test_each_section_is_a_resource_read_in_order(connect: Run, fake_qa: QA) -> None:
    async def scenario(c: Client) -> tuple[Any, Any, Any]:
        return (
            await c.list_resources(),
            await c.list_resource_templates(),
            await c.read_resource(CAREER_URI),
        )

    listed, templates, read = session(connect, scenario)
    assert CAREER_URI in {str(r.uri) for r in listed.resources}
    assert [t.uri_template for t in templates.resource_templates] == [
        "guide://{document}/{section}"
    ]
    (content,) = read.contents
    chunks = sorted(
        (c for c in fake_qa.build.chunks if c.document_id == GUIDE_ID and c.section == CAREER),
        key=lambda c: c.position,
    )
    assert content.mime_type == "text/plain"
    assert content.text == "\n\n".join(c.text for c in chunks) and SALARY in content.text


def test_an_unknown_section_is_not_found(connect: Run) -> None:
    async def scenario(c: Client) -> MCPError | None:
        try:
            await c.read_resource(f"guide://{GUIDE_ID}/Nope")
        except MCPError as exc:
            return exc
        return None

    error = session(connect, scenario)
    assert error is not None and "no section 'Nope'" in error.error.message


BAD = [
    ("ask_guide", {}, "question: Field required"),
    ("ask_guide", {"question": ""}, "question: "),
    ("ask_guide", {"question": "   "}, "question: must not be empty"),
    ("ask_guide", {"question": "x" * 1001}, "question: String should have at most 1000"),
    ("ask_guide", {"question": "hi", "history": ["q"] * 21}, "history: "),
    ("search_guide", {"query": "salary", "k": 0}, "k: Input should be greater than or equal to 1"),
    ("search_guide", {"query": "salary", "k": 21}, "k: Input should be less than or equal to 20"),
    ("search_guide", {"query": "salary", "documents": ["nope"]},
     f"documents: unknown document id 'nope'; known: {GUIDE_ID}"),
    ("search_guide", {"query": " "}, "query: must not be empty"),
]  # fmt: skip


def test_bad_arguments_are_tool_errors_naming_the_field(connect: Run) -> None:
    async def scenario(c: Client) -> tuple[list[Any], Any]:
        results = [await c.call_tool(tool, args) for tool, args, _ in BAD]
        return results, await c.call_tool("ask_guide", {"question": ASK_SALARY})

    results, after = session(connect, scenario)
    for (tool, _, expected), result in zip(BAD, results, strict=True):
        assert result.is_error, tool
        assert result.content[0].text.startswith(expected), result.content[0].text
    assert not after.is_error  # the server lives on


@pytest.mark.parametrize("key", [None, "sk-wrong"])
def test_http_needs_the_api_key_when_set(base: str, key: str | None) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    raw = httpx.post(f"{base}/mcp", json=ping, headers=headers, verify=NO_CA)
    assert raw.status_code == 401 and raw.headers["www-authenticate"].startswith("Bearer")
    assert raw.json()["error"]["data"]["error"] == "invalid_api_key"
    # The client shows the server's reason (the SDK raises it inside its task groups).
    refused = pytest.RaisesExc(MCPError, match="GUIDE_RAG_API_KEY")
    with pytest.RaisesGroup(refused, flatten_subgroups=True):
        anyio.run(lambda: _list_tools(over_http(f"{base}/mcp", key)))


async def _list_tools(connection: AbstractAsyncContextManager[Client]) -> Any:
    async with connection as client:
        return await client.list_tools()


def test_http_is_open_on_loopback_without_a_key(fake_index: Settings, tmp_path: Path) -> None:
    env = {**env_for(fake_index), "GUIDE_RAG_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3")}
    with live_server(env, tmp_path / "server.log") as url:
        tools = anyio.run(lambda: _list_tools(over_http(f"{url}/mcp", key=None)))
        assert {t.name for t in tools.tools} == {"ask_guide", "search_guide", "list_guides"}
        # Bound to loopback, a page elsewhere cannot reach it through DNS rebinding.
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        foreign = httpx.post(
            f"{url}/mcp", json=ping, headers={"Host": "evil.example:80"}, verify=NO_CA
        )
        assert foreign.status_code == 421


def _metric(base: str, name: str) -> float:
    lines = httpx.get(f"{base}/metrics", verify=NO_CA).text.splitlines()
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(name))


def test_http_calls_are_counted_like_ask(base: str) -> None:
    abstained = "guide_rag_abstentions_total"
    served = 'guide_rag_requests_total{method="POST",route="/mcp",status="200"}'
    before = _metric(base, abstained), _metric(base, served)
    question = {"question": "zyzzyva quokka marmalade?"}
    result = anyio.run(lambda: _ask(over_http(f"{base}/mcp"), question))
    assert result.structured_content["abstained"] is True
    assert _metric(base, abstained) == before[0] + 1
    assert _metric(base, served) > before[1]


async def _ask(connection: AbstractAsyncContextManager[Client], arguments: dict[str, Any]) -> Any:
    async with connection as client:
        return await client.call_tool("ask_guide", arguments)


def test_stdio_follows_a_newly_published_index(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    guide = fake_settings.paths.corpus / GUIDE.name
    new = "$95,000 to $140,000"

    async def scenario(c: Client) -> tuple[str, str]:
        before = (await c.call_tool("ask_guide", {"question": ASK_SALARY})).content[0].text
        guide.write_text(guide.read_text(encoding="utf-8").replace(SALARY, new), encoding="utf-8")
        await anyio.to_thread.run_sync(run_ingest, fake_settings)
        with anyio.fail_after(60):
            while True:
                after = (await c.call_tool("ask_guide", {"question": ASK_SALARY})).content[0].text
                if new in after:
                    return before, after
                await anyio.sleep(0.1)

    before, after = session(
        fresh(lambda: over_stdio(fake_settings, GUIDE_RAG_RELOAD_SECONDS="0.2")), scenario
    )
    assert SALARY in before and new in after and SALARY not in after


# Run in a fresh interpreter: this one imported the SDK long ago.
LAZY_SDK = """
import sys, time
from starlette.testclient import TestClient
from api.app import create_app
from config.settings import load
with TestClient(create_app(load()), base_url="http://127.0.0.1:8000") as client:
    deadline = time.monotonic() + 60
    while client.get("/ready").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    print("after /ready:", "mcp" in sys.modules)
    ping = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
    accept = {"Accept": "application/json, text/event-stream"}
    answered = client.post("/mcp", json=ping, headers=accept)
    print("after /mcp:", "mcp" in sys.modules, answered.status_code, answered.json())
"""


def test_the_sdk_is_imported_by_the_first_call_not_at_start_up(fake_index: Settings) -> None:
    env = {**os.environ, **env_for(fake_index)}
    done = subprocess.run([sys.executable, "-c", LAZY_SDK], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "after /ready: False"
    assert lines[1] == "after /mcp: True 200 {'jsonrpc': '2.0', 'id': 7, 'result': {}}"


def test_the_stdio_server_imports_no_fastapi() -> None:
    # What `guide-rag mcp` imports (cli/mcp.py), in a fresh interpreter: FastAPI is 0.15 s of
    # a start that MCP hosts wait for, and stdio serves no HTTP.
    imports = "import sys, cli.app, cli.serve, api.mcp, api.service, retriever.qa"
    done = subprocess.run([sys.executable, "-c", f"{imports}; print('fastapi' in sys.modules)"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr

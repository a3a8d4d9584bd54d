"""Several guides behind the API: listing them, filtering by them, reloading the index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from config.settings import Settings
from ingest.build import run_ingest
from retriever.qa import QA
from tests.helpers import FIXTURES, GUIDE, fake_settings_for

GUIDES = {"ai-vs-ml-engineering-career-guide", "mlops-primer", "prompt-engineering-guide"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("guides")
    corpus = home / "corpus"
    corpus.mkdir()
    for path in [GUIDE, *FIXTURES.iterdir()]:
        shutil.copy(path, corpus / path.name)
    settings = fake_settings_for(home, admin_token="s3cret", reload_seconds=0)
    run_ingest(settings)
    return settings


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, qa=QA.load(settings.serving()))) as client:
        yield client


def test_documents_lists_guides_sections_and_chunks(client: TestClient) -> None:
    docs = {d["id"]: d for d in client.get("/documents").json()["documents"]}
    assert set(docs) == GUIDES
    mlops = docs["mlops-primer"]
    assert mlops["title"] == "MLOps primer for developers" and len(mlops["sha256"]) == 64
    assert mlops["chunks"] == sum(s["chunks"] for s in mlops["sections"]) > 0
    guide = docs["ai-vs-ml-engineering-career-guide"]
    nav = {s["title"] for s in guide["sections"] if s["navigation"]}
    assert nav == {"Table of Contents", "Recommended"}
    assert "AI Product Engineer Career Path Guide" in guide["related"]


def test_search_and_ask_filter_by_document(client: TestClient) -> None:
    hits = client.get(
        "/search", params={"q": "experiment tracking", "k": 10, "documents": "mlops-primer"}
    ).json()["hits"]
    assert hits and {h["document"] for h in hits} == {"mlops-primer"}
    unfiltered = client.get("/search", params={"q": "experiment tracking", "k": 10}).json()
    assert len({h["document"] for h in unfiltered["hits"]}) > 1

    body = client.post(
        "/ask",
        json={
            "question": "Do prompt engineers need Python?",
            "documents": ["prompt-engineering-guide"],
        },
    ).json()
    assert not body["abstained"]
    assert {c["document"] for c in body["citations"]} == {"prompt-engineering-guide"}


def test_unknown_document_is_422_naming_it(client: TestClient) -> None:
    for response in (
        client.post("/ask", json={"question": "salary?", "documents": ["nope", "mlops-primer"]}),
        client.get("/search", params={"q": "salary", "documents": ["nope"]}),
    ):
        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == "documents" and "'nope'" in error["reason"]
        assert "mlops-primer" in error["reason"]  # says which ids exist


def test_admin_reload_needs_the_token(client: TestClient) -> None:
    assert client.post("/admin/reload").status_code == 401
    wrong = client.post("/admin/reload", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "unauthorized"
    right = client.post("/admin/reload", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200 and right.json()["reloaded"] is False


def test_admin_routes_are_off_without_a_token(tmp_path: Path, fake_qa: QA) -> None:
    app = create_app(fake_settings_for(tmp_path, reload_seconds=0), qa=fake_qa)
    with TestClient(app) as client:
        response = client.post("/admin/reload", headers={"Authorization": "Bearer anything"})
        assert response.status_code == 404 and "GUIDE_RAG_ADMIN_TOKEN" in response.json()["message"]

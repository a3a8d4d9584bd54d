"""Property-based fuzzing from the OpenAPI schema: no 5xx, every response matches the schema.

Drives hypothesis directly from schemathesis' strategies: its pytest plugin does not run under
pytest 9.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from config.settings import Settings
from retriever.qa import QA


@pytest.fixture(scope="module")
def api_schema(fake_index: Settings, fake_qa: QA) -> Any:
    fuzzed = fake_index.override(admin_token="fuzz-token")
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(fuzzed, qa=fake_qa))


def test_every_operation_holds_its_contract(api_schema: Any) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/ask", "/search", "/documents", "/ready"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # Valid by the schema yet refused by rule (an unknown document id) is a 422 the
            # issue asks for; every other check stays on.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()

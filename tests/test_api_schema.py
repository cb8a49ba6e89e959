"""schemathesis against the published OpenAPI schema, with a Bearer token: no server error, and
every response matches its documented schema, status code and content type. Examples are kept
few per operation so the whole run stays well under two minutes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_web_support import ADMIN, corpus_copy

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from minbar import Minbar
    from minbar.auth import Actor
    from minbar.web.app import create_app

    mb = Minbar(data_dir=corpus_copy(tmp_path_factory))
    app = create_app(mb)
    token = mb.create_token(Actor.system(), ADMIN, label="schemathesis")["token"]
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app), token
    mb.close()


def test_api_conforms_to_its_schema(api):
    schema, token = api
    headers = {"Authorization": f"Bearer {token}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        tested.append(operation.label)
    assert len(tested) >= 9, tested


def test_schema_names_every_contract_path(api):
    paths = set(api[0].raw_schema["paths"])
    assert {
        "/api/v1/search",
        "/api/v1/articles/{article_id}",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/match",
        "/api/v1/factchecks/export",
    } <= paths

"""`pfocr-search serve` under an OpenAPI fuzzer: every endpoint, on the real server.

Apart from test_serve.py so that without schemathesis only these tests skip."""

from __future__ import annotations

import pytest

httpx = pytest.importorskip("httpx", reason="the serve extras are not installed: pip install '.[test]'")
pytest.importorskip("uvicorn", reason="the serve extras are not installed: pip install '.[test]'")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed: pip install '.[test]'")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from test_serve import LiveServer, _jsonable  # noqa: E402

from pfocr_search.serve.api import ENDPOINTS  # noqa: E402
from pfocr_search.serve.openapi import openapi_document  # noqa: E402


# The document is static (it does not depend on the index): loaded at import so
# each operation is its own test; the served copy is checked to be the same.
fuzzed = schemathesis.openapi.from_dict(openapi_document(ENDPOINTS))
fuzzed.config.generation.update(modes=["positive", "negative"], max_examples=30, deterministic=True)


@pytest.fixture(scope="module")
def live(sample_index_path):
    with LiveServer(sample_index_path) as server:
        yield server


def test_the_fuzzed_document_is_the_served_one(live):
    assert httpx.get(f"{live.url}/openapi.json", timeout=30).json() == _jsonable(openapi_document(ENDPOINTS))


@fuzzed.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.generate])
def test_every_endpoint_under_fuzzing(case, live):
    """No 500s; statuses, content types and bodies as documented; invalid input refused."""
    case.call_and_validate(base_url=live.url, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance, negative_data_rejection])

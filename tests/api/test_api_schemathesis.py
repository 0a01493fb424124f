"""Schemathesis against /api/v1/openapi.json: the server does what the document says,
for data that fits the schema and data that does not (bounded in examples and time).

schemathesis' lazy pytest loader does not run under pytest 9, so the test draws cases from
the schema's Hypothesis strategy itself and validates each response with every check."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("slug", [None, "riverside-2030"], ids=["any-slug", "real-slug"])
def test_api_matches_its_openapi_document(app, open_consultation, officer_token, mode, slug):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    bearer = officer_token()
    strategy = schema.as_strategy(
        generation_mode=mode, path_parameters={"slug": slug} if slug else None
    )

    @BOUNDED
    @given(case=strategy)
    def check(case):  # type: ignore[no-untyped-def]
        # A submission's answers depend on the consultation's own questions, which a static
        # schema cannot express: schema-valid answers to questions that do not exist are
        # rightly refused with 422, so "valid data is accepted" is not asked of that one.
        excluded = [positive_data_acceptance] if case.method == "POST" else []
        # Negative cases may leave the bearer token out on purpose: send only what they made.
        headers = {"Authorization": f"Bearer {bearer}"} if mode.is_positive else None
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()

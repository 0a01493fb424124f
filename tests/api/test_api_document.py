"""Issue 14, L7: the OpenAPI document says what the server does for submissions (each open
consultation's own path requires its required questions, so `{"answers": {}}` is invalid
there, as the server's 422 says) and documents the outcomes feed."""

from __future__ import annotations


def test_each_open_consultation_has_a_path_requiring_its_required_questions(
    client, open_consultation
):
    document = client.get("/api/v1/openapi.json").get_json()
    path = document["paths"]["/consultations/riverside-2030/responses"]["post"]
    schema = path["requestBody"]["content"]["application/json"]["schema"]
    answers = schema["properties"]["answers"]
    ids = open_consultation["ids"]
    assert set(answers["properties"]) == {str(i) for i in ids.values()}
    assert answers["required"] == [str(ids["buses"])]  # the one required question
    assert answers["additionalProperties"] is False
    assert answers["properties"][str(ids["budget"])]["type"] == "object"
    assert "422" in path["responses"] and "400" in path["responses"]

    refused = client.post("/api/v1/consultations/riverside-2030/responses", json={"answers": {}})
    assert refused.status_code == 422
    assert f"answers.{ids['buses']}" in refused.get_json()["error"]["fields"]


def test_only_open_consultations_get_their_own_path(client, make_consultation):
    make_consultation(
        slug="past",
        status="closed",
        questions=[{"kind": "free_text", "prompt": "Why?", "required": True}],
    )
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/consultations/past/responses" not in document["paths"]


def test_the_outcomes_feed_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    feed = document["paths"]["/outcomes"]["get"]
    assert feed["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/Outcome"
    }
    assert "text/csv" in document["paths"]["/outcomes.csv"]["get"]["responses"]["200"]["content"]
    outcome = document["components"]["schemas"]["Outcome"]
    assert {"kind", "title", "source", "response", "progress"} <= set(outcome["required"])
    assert client.get("/api/v1/outcomes").get_json() == []

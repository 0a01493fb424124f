"""The OpenAPI 3.0 document for /api/v1, kept next to the endpoints it describes (a test
runs schemathesis against it, so it must say what the server does)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from consult.consultations.about_you import ABOUT_YOU_CHOICES
from consult.consultations.kinds import KINDS, answer_schema, question_kind
from consult.models import Consultation
from consult.workspace.services import STATUS_LABELS

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(ERROR, description)


SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The consultation's slug (its web address), from GET /consultations.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 120},
    "example": "riverside-2030",
}

ANSWER_VALUE = answer_schema()

ABOUT_YOU = {
    "type": "object",
    "additionalProperties": False,
    "description": "Optional personal data, stored apart from the answers. When any of email, "
    "age_band, gender, ethnicity, disability or postcode_district is given (other than "
    "prefer_not_to_say), `consent` must be true.",
    "properties": {
        "respondent_type": {"type": "string", "enum": ["individual", "organisation"]},
        "organisation_name": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        **{
            name: {"type": "string", "enum": [value for value, _ in choices]}
            for name, choices in ABOUT_YOU_CHOICES.items()
        },
        "postcode_district": {
            "type": "string",
            "maxLength": 17,
            "pattern": "^([A-Z]{1,2}[0-9][A-Z0-9]?|prefer_not_to_say)$",
        },
        "wants_updates": {"type": "boolean"},
        "consent": {"type": "boolean"},
    },
}


def _object(properties: dict[str, Any], required: Iterable[str] | None = None) -> dict[str, Any]:
    """An object with `properties`, of which `required` (all of them, unless told) must be
    given."""
    needed = list(properties if required is None else required)
    return {"type": "object", "required": needed, "properties": properties}


def _array_of(properties: dict[str, Any]) -> dict[str, Any]:
    """An array of objects that all have `properties`."""
    return {"type": "array", "items": _object(properties)}


OUTCOME = {
    "type": "object",
    "required": [
        "id",
        "kind",
        "title",
        "source",
        "response",
        "progress",
        "progress_updates",
        "published_at",
        "updated_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["theme", "recommendation"]},
        "title": {"type": "string"},
        "text": {"type": "string", "description": "The theme's summary or the recommendation"},
        "size": {"type": "integer", "description": "Themes: how many answers"},
        "share": {"type": "number", "description": "Themes: share of the question's answers"},
        "source": {
            "type": "object",
            "required": ["kind", "slug", "title"],
            "properties": {
                "kind": {"type": "string", "enum": ["consultation", "jury"]},
                "slug": {"type": "string"},
                "title": {"type": "string"},
            },
        },
        "response": {
            "type": "object",
            "required": ["status", "text", "reasons"],
            "properties": {
                "status": {"type": "string", "enum": list(STATUS_LABELS)},
                "text": {"type": "string"},
                "reasons": {"type": "string", "nullable": True},
                "text_cy": {"type": "string", "nullable": True, "description": "in Welsh"},
                "reasons_cy": {"type": "string", "nullable": True, "description": "in Welsh"},
            },
        },
        "owner": {"type": "string", "nullable": True},
        "due_date": {"type": "string", "format": "date", "nullable": True},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "progress_updates": _array_of(
            {
                "percent": {"type": "integer"},
                "note": {"type": "string"},
                "note_cy": {"type": "string", "nullable": True, "description": "in Welsh"},
                "date": {"type": "string", "format": "date"},
            }
        ),
        "published_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}


def submission_schema(consultation: Consultation) -> dict[str, Any]:
    """The body of a response to `consultation`: its own questions by id, the required
    ones required (so `{"answers": {}}` is invalid wherever a question must be answered)."""
    questions = list(consultation.questions)
    answers: dict[str, Any] = {
        "type": "object",
        "description": "question id (as a string) -> answer",
        "properties": {
            str(q.id): {**question_kind(q.kind).schema, "description": q.prompt} for q in questions
        },
        "additionalProperties": False,
    }
    required = [str(q.id) for q in questions if q.required]
    if required:
        answers["required"] = required
    return {
        "type": "object",
        "required": ["answers"],
        "additionalProperties": False,
        "properties": {"answers": answers, "about_you": ABOUT_YOU},
    }


def _submission_path(consultation: Consultation) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"submitResponse_{consultation.id}",
            "summary": f"Submit a response to “{consultation.title}”",
            "description": "The same as POST /consultations/{slug}/responses for this open "
            "consultation, with its questions in the schema.",
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": submission_schema(consultation)}},
            },
            "responses": SUBMISSION_RESPONSES,
        }
    }


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A unique value per response (a UUID, say); repeat it on retries.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[A-Za-z0-9._:-]+$",
    },
}
SUBMISSION_RESPONSES = {
    "201": _json({"$ref": "#/components/schemas/Receipt"}, "Stored"),
    "200": _json(
        {"$ref": "#/components/schemas/Receipt"},
        "Already stored under this Idempotency-Key (a retry)",
    ),
    "400": _error("The body is not JSON, or holds text that cannot be stored"),
    "404": _error("No published consultation has this slug"),
    "409": _error("The consultation is not open"),
    "422": _error("Some answers need fixing: `fields` has a message each"),
    "429": _error("Too many submissions from this address; wait and retry"),
}


def document(server_url: str, open_consultations: Iterable[Consultation] = ()) -> dict[str, Any]:
    """The whole document, with the server's own /api/v1 address. Each consultation in
    `open_consultations` gets its own submission path, whose schema names its questions
    and requires the required ones."""
    own_paths = {
        f"/consultations/{c.slug}/responses": _submission_path(c) for c in open_consultations
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Consult API",
            "version": "1",
            "description": "Published consultations and their questions; submitting responses "
            "(safe to retry with an Idempotency-Key); and, for officers with a bearer token, "
            "the responses received, with personal data redacted from free text unless the "
            "token may see originals.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/consultations": {
                "get": {
                    "operationId": "listConsultations",
                    "summary": "Published consultations (open, closed, analysed, responded)",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["items"],
                                "properties": {
                                    "items": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Consultation"},
                                    }
                                },
                            },
                            "The consultations",
                        )
                    },
                }
            },
            "/consultations/{slug}": {
                "get": {
                    "operationId": "getConsultation",
                    "summary": "One published consultation with its questions",
                    "parameters": [SLUG],
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/ConsultationDetail"},
                            "The consultation",
                        ),
                        "404": _error("No published consultation has this slug"),
                    },
                }
            },
            "/consultations/{slug}/responses": {
                "post": {
                    "operationId": "submitResponse",
                    "summary": "Submit a response",
                    "description": "Answers are keyed by question id (from GET "
                    "/consultations/{slug}); every question with `required: true` must be "
                    "answered (422 otherwise). Each open consultation also has its own path "
                    "below whose schema names its questions and requires the required ones. "
                    "With an Idempotency-Key, a retry returns the first response (200) "
                    "instead of making another.",
                    "parameters": [SLUG, IDEMPOTENCY_KEY],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ResponseSubmission"}
                            }
                        },
                    },
                    "responses": SUBMISSION_RESPONSES,
                },
                "get": {
                    "operationId": "listResponses",
                    "summary": "Submitted responses (officers)",
                    "security": [{"bearer": []}],
                    "parameters": [
                        SLUG,
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100000},
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/ResponsePage"}, "A page"),
                        "401": _error("No token, or a token that is not valid"),
                        "403": _error("The token's owner may not read responses"),
                        "404": _error("No consultation has this slug"),
                        "422": _error("A query parameter is not valid"),
                    },
                },
            },
            "/outcomes": {
                "get": {
                    "operationId": "listOutcomes",
                    "summary": "You said, we did: every published council response",
                    "description": "Open data (no personal data): each theme or jury "
                    "recommendation the council has answered, its response and progress, "
                    "oldest first. The same as CSV at /outcomes.csv.",
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}},
                            "The published outcomes",
                        )
                    },
                }
            },
            "/outcomes.csv": {
                "get": {
                    "operationId": "listOutcomesCsv",
                    "summary": "The published outcomes as CSV (one row each)",
                    "responses": {
                        "200": {
                            "description": "CSV with a header row; text that a spreadsheet "
                            "would run as a formula starts with an apostrophe",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            **own_paths,
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "flask --app wsgi consultations token --email E",
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": _object(
                            {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                },
                            },
                            required=["code", "message"],
                        )
                    },
                },
                "Consultation": {
                    "type": "object",
                    "required": ["slug", "title", "summary", "status", "url"],
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "status": {
                            "type": "string",
                            "enum": ["open", "closed", "analysed", "responded"],
                        },
                        "opens_at": {"type": "string", "format": "date-time", "nullable": True},
                        "closes_at": {"type": "string", "format": "date-time", "nullable": True},
                        "url": {"type": "string"},
                    },
                },
                "Question": {
                    "type": "object",
                    "required": ["id", "kind", "prompt", "required", "options", "value_type"],
                    "properties": {
                        "id": {"type": "integer"},
                        "key": {"type": "string"},
                        "position": {"type": "integer"},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "prompt": {"type": "string"},
                        "hint": {"type": "string"},
                        "required": {"type": "boolean"},
                        "options": _array_of(
                            {"value": {"type": "string"}, "label": {"type": "string"}}
                        ),
                        "max_length": {"type": "integer", "nullable": True},
                        "budget_total": {"type": "integer", "nullable": True},
                        "value_type": {"type": "string"},
                    },
                },
                "ConsultationDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Consultation"},
                        {
                            "type": "object",
                            "required": ["background", "documents", "questions"],
                            "properties": {
                                "background": {"type": "string"},
                                "documents": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "title": {"type": "string"},
                                            "url": {"type": "string"},
                                        },
                                    },
                                },
                                "questions": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Question"},
                                },
                            },
                        },
                    ]
                },
                "Outcome": OUTCOME,
                "ResponseSubmission": {
                    "type": "object",
                    "description": "Which questions must be answered depends on the "
                    "consultation: see its own path.",
                    "required": ["answers"],
                    "additionalProperties": False,
                    "properties": {
                        "answers": {
                            "type": "object",
                            "description": "question id (as a string) -> answer",
                            "additionalProperties": ANSWER_VALUE,
                        },
                        "about_you": ABOUT_YOU,
                    },
                },
                "Receipt": {
                    "type": "object",
                    "required": ["reference", "status", "submitted_at"],
                    "properties": {
                        "reference": {"type": "string", "pattern": "^RSP-[0-9A-Z]{4}-[0-9A-Z]{4}$"},
                        "status": {"type": "string", "enum": ["submitted"]},
                        "submitted_at": {"type": "string", "format": "date-time"},
                    },
                },
                "StoredResponse": {
                    "type": "object",
                    "required": ["reference", "channel", "respondent_type", "answers"],
                    "properties": {
                        "reference": {"type": "string"},
                        "channel": {"type": "string"},
                        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
                        "respondent_type": {"type": "string"},
                        "organisation_name": {"type": "string", "nullable": True},
                        "answers": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["question_id", "flags", "moderation"],
                                "properties": {
                                    "question_id": {"type": "integer"},
                                    "value": {
                                        "nullable": True,
                                        "description": "Free text (redacted unless the token "
                                        "may see originals; null when moderation hid it) or "
                                        "the structured answer",
                                    },
                                    "flags": {"type": "array", "items": {"type": "string"}},
                                    "moderation": {
                                        "type": "string",
                                        "enum": ["visible", "hidden"],
                                    },
                                },
                            },
                        },
                    },
                },
                "ResponsePage": {
                    "type": "object",
                    "required": ["items", "page", "per_page", "total", "pages"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/StoredResponse"},
                        },
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "originals": {"type": "boolean"},
                    },
                },
            },
        },
    }

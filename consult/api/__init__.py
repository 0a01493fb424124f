"""The JSON API under /api/v1 (its OpenAPI document at /api/v1/openapi.json)."""

"""Security headers for every response: a CSP with no inline script or style, no framing,
no MIME sniffing, a strict referrer policy."""

from __future__ import annotations

from flask import Flask, Response, request


def register(app: Flask) -> None:
    """Add the headers after every request."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        origins = " ".join(
            origin.replace("http://", "ws://").replace("https://", "wss://")
            for origin in app.config.get("PUBLIC_ORIGINS", [])
        )
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {origins}; font-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.path.startswith(("/static/", "/healthz")):
            return response
        response.headers.setdefault("Cache-Control", "no-store")
        return response

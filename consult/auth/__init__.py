"""Signing in: staff with email and password, jurors with a one-time join code."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

"""The home page, the staff dashboard, statements and the health check."""

from flask import Blueprint

bp = Blueprint("home", __name__)

"""Personal data rights (UK GDPR): erasure on request, retention that runs, subject access.
Officers' pages and the resident's "delete my response" are in views.py, `flask --app wsgi
data purge` in cli.py, the rules in erasure.py, retention.py and services.py."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, cli_group="data")

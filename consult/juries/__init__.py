"""Citizens' juries: registration pool, quotas, fair selection, invitations, tables.

The blueprint is defined in `blueprint.py` with what the public pages (public.py) and the
officer pages (views.py) share; `flask jury ...` commands are in cli.py. Importing this
package imports none of those modules: `create_app` does."""

from consult.juries.blueprint import bp

__all__ = ["bp"]

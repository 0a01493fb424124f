"""Finding the consultation a request names: by its slug, its status brought up to date
(a consultation opens and closes by date on its own), or a 404. Shared by the residents'
pages (views.py), the officers' (manage_views.py) and the JSON API (`consult.api.views`);
it commits the status it refreshed, as the request that found it would."""

from __future__ import annotations

from flask import abort

from consult.consultations import services
from consult.extensions import db
from consult.models import Consultation


def consultation_or_404(
    slug: str, *, published: bool = False, with_questions: bool = True
) -> Consultation:
    """The consultation `slug` names, its status refreshed (and committed when it moved);
    404 when there is none or, with `published`, when the public may not see it yet."""
    consultation = services.consultation_by_slug(slug, with_questions=with_questions)
    if consultation is None:
        abort(404)
    if services.refresh_status(consultation):
        db.session.commit()
    if published and consultation.status not in services.PUBLIC_STATUSES:
        abort(404)
    return consultation

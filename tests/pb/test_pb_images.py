"""A proposal's optional picture: checked by what the file is (not its name), capped in
size and pixels, stripped of EXIF/GPS and other metadata, served with its own content
type and the proposer's description as alt text, shown on the proposal, round and ballot
pages, and hidden by a moderator (who must give a reason, sent to the proposer)."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from consult.extensions import db
from consult.models import AuditEntry, PBProposal, PBProposalImage

ALT = "The corner of the park where the benches would go"


def _propose(client, slug, image: bytes | None, *, filename="photo.jpg", alt=ALT, **extra):  # type: ignore[no-untyped-def]
    data = {
        "title": "Benches by the pond",
        "description": "Three benches where people stop to rest.",
        "ward": "Oldtown",
        "estimated_cost": "1200",
        "image_alt": alt,
        **extra,
    }
    if image is not None:
        data["image"] = FileStorage(io.BytesIO(image), filename=filename)
    # Encoded here, in memory: the test client spools a large body to a temporary file
    # that it never closes (a ResourceWarning, which this suite treats as an error).
    boundary, body = encode_multipart(data)
    response = client.post(
        f"/pb/{slug}/propose",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    response.close()
    return response


def _image_count(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(PBProposal)),
            db.session.scalar(select(func.count()).select_from(PBProposalImage)),
        )


def _status(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with client.get(url) as response:
        return response.status_code


def _reference(app, title="Benches by the pond") -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(PBProposal.reference).where(PBProposal.title == title))


def test_photo_is_kept_without_exif_or_gps_turned_upright_and_served_as_jpeg(
    app, client, make_pb_round, picture, camera_exif
):
    made = make_pb_round("proposals")
    original = picture("JPEG", (40, 20), exif=camera_exif)
    assert b"SpyCam" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    response = _propose(client, made["slug"], original)
    assert response.status_code == 200 and "Idea received" in response.get_data(as_text=True)
    reference = _reference(app)
    with client.get(f"/pb/{made['slug']}/proposals/{reference}/image") as served:
        assert served.status_code == 200
        assert served.mimetype == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        body = served.get_data()
    stored = Image.open(io.BytesIO(body))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}  # no camera, no GPS, no orientation
    assert b"SpyCam" not in body and b"Exif" not in body
    assert stored.size == (20, 40)  # the rotation the EXIF asked for is applied first
    page = client.get(f"/pb/{made['slug']}/proposals/{reference}").get_data(as_text=True)
    assert f'alt="{ALT}"' in page and f"/proposals/{reference}/image" in page


def test_content_decides_the_type_png_named_jpg_and_webp_lose_their_metadata(
    app, client, make_pb_round, picture, camera_exif
):
    made = make_pb_round("proposals")
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Secret Person, 12 High Street")
    png = picture("PNG", (30, 30), pnginfo=text)
    assert b"Secret Person" in png
    assert _propose(client, made["slug"], png, filename="holiday.jpg").status_code == 200
    reference = _reference(app)
    with client.get(f"/pb/{made['slug']}/proposals/{reference}/image") as served:
        assert served.mimetype == "image/png"
        assert b"Secret Person" not in served.get_data()
        assert Image.open(io.BytesIO(served.get_data())).mode == "RGBA"  # transparency kept
    webp = picture("WEBP", (30, 30), exif=camera_exif)
    assert b"SpyCam" in webp
    response = _propose(client, made["slug"], webp, filename="x.png", title="Pond lights")
    assert response.status_code == 200
    with client.get(f"/pb/{made['slug']}/proposals/{_reference(app, 'Pond lights')}/image") as s:
        assert s.mimetype == "image/webp" and b"SpyCam" not in s.get_data()


def test_bad_pictures_are_refused_with_a_clear_message_and_nothing_is_saved(
    app, client, make_pb_round, picture
):
    made = make_pb_round("proposals")
    before = _image_count(app)
    big_noise = b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024)
    cases = [
        (picture("GIF", (10, 10)), "photo.gif", ALT, "must be a JPEG, PNG or WebP"),
        (b"just some text, not a picture", "photo.jpg", ALT, "must be a JPEG, PNG or WebP"),
        (picture("JPEG")[:150], "photo.jpg", ALT, "could not be read"),
        (big_noise, "photo.jpg", ALT, "must be smaller than 5 MB"),
        (picture("PNG", (8000, 6000)), "huge.png", ALT, "too many pixels"),
        (picture("JPEG"), "photo.jpg", "   ", "Describe the picture for people who cannot see it"),
        (picture("JPEG"), "photo.jpg", "x" * 251, "Use 250 characters or fewer"),
    ]
    for data, filename, alt, message in cases:
        response = _propose(client, made["slug"], data, filename=filename, alt=alt)
        assert response.status_code == 400, message
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and message in page
        assert _image_count(app) == before  # neither the proposal nor a picture
    # The service reports the picture's problems together with the other fields'.
    response = _propose(client, made["slug"], b"nope", estimated_cost="999999")
    page = response.get_data(as_text=True)
    assert "must be a JPEG, PNG or WebP" in page and "cannot cost more than the whole" in page


def test_picture_shows_on_the_round_and_ballot_pages_with_its_alt_text(
    app, client, make_pb_round, picture
):
    from consult.pb import images

    made = make_pb_round("voting", codes=1)
    with app.app_context():
        proposal = db.session.get(PBProposal, made["proposals"]["Climbing wall"])
        images.attach_image(proposal, images.clean_image(picture("PNG")), "A climbing wall")
        db.session.commit()
        reference = proposal.reference
    image_url = f"/pb/{made['slug']}/proposals/{reference}/image"
    round_page = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert 'alt="A climbing wall"' in round_page and image_url in round_page
    client.post(f"/pb/{made['slug']}/vote", data={"code": made["codes"][0]})
    ballot = client.get(f"/pb/{made['slug']}/ballot").get_data(as_text=True)
    assert "Which projects should be funded?" in ballot
    assert 'alt="A climbing wall"' in ballot and image_url in ballot


def test_moderator_hides_a_picture_with_a_reason_and_the_proposer_is_told(
    app, client, officer_client, make_user, sign_in, make_pb_round, picture, mailbox
):
    made = make_pb_round("proposals")
    _propose(client, made["slug"], picture("JPEG"), proposer_email="sam@example.org")
    reference = _reference(app)
    with app.app_context():
        pid = db.session.scalar(select(PBProposal.id).where(PBProposal.reference == reference))
    url = f"/pb/{made['slug']}/manage/proposals/{pid}/image"
    image_url = f"/pb/{made['slug']}/proposals/{reference}/image"
    facilitator = app.test_client()
    make_user("facilitator", email="fac@council.example")
    sign_in(facilitator, email="fac@council.example")
    assert facilitator.post(url, data={"action": "hide", "image_reason": "x"}).status_code == 403
    response = officer_client.post(url, data={"action": "hide", "image_reason": " "})
    assert response.status_code == 400
    assert "Give the reason for hiding the picture" in response.get_data(as_text=True)
    assert _status(client, image_url) == 200  # still shown
    response = officer_client.post(
        url, data={"action": "hide", "image_reason": "It shows a child's face."}
    )
    assert response.status_code == 302
    assert _status(client, image_url) == 404
    page = client.get(f"/pb/{made['slug']}/proposals/{reference}").get_data(as_text=True)
    assert image_url not in page
    assert _status(officer_client, url) == 200  # officers still see it
    told = [m for m in mailbox() if m.to == "sam@example.org" and "hidden" in m.subject]
    assert len(told) == 1 and "It shows a child's face." in told[0].text
    assert told[0].html is not None and "It shows a child&#39;s face." in told[0].html
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).where(AuditEntry.action == "pb.image_hidden"))
            == 1
        )
    assert officer_client.post(url, data={"action": "show"}).status_code == 302
    assert _status(client, image_url) == 200

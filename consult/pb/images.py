"""Participatory budgeting: a proposal's optional picture. The upload is checked by what it
is, not what it is called (JPEG, PNG or WebP, read by Pillow), kept within a size and a
pixel count, turned the right way up, scaled down to at most 1,600 pixels a side and
re-encoded from its bare pixels, so no EXIF (camera, GPS position, time), XMP, text chunk
or other metadata reaches the database. The picture is stored in the database
(`PBProposalImage`); moderators can hide it (audited; the proposer is told why)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.models import PBProposal, PBProposalImage, audit
from consult.pb.services import require_officer

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 1600
MAX_ALT_TEXT = 250
# Pillow's format name -> the content type served, and the file's first bytes.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85},
}


@dataclass(frozen=True)
class CleanImage:
    """A picture ready to store: re-encoded bytes with no metadata, and its size."""

    data: bytes
    content_type: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The format the file's first bytes say it is (JPEG, PNG, WEBP), whatever its name."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _refuse(message: str) -> Invalid:
    return Invalid(gettext("%(message)s.", message=message), fields={"image": message})


def _bare_pixels(image: Image.Image, kind: str) -> Image.Image:
    """A new image made from `image`'s pixels only (its `info`, where EXIF, XMP, ICC and
    PNG text live, is not carried over), in a mode the format can store."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    if kind == "JPEG" and image.mode != "RGB" and image.mode != "L":
        image = image.convert("RGB")
    return Image.frombytes(image.mode, image.size, image.tobytes())


def clean_image(data: bytes) -> CleanImage:
    """Check and clean an uploaded picture. Raises Invalid (field "image") with a message
    the proposer can act on for a file too big, of another kind, too many pixels, or
    damaged."""
    if not data:
        raise _refuse(gettext("The selected file is empty"))
    if len(data) > MAX_IMAGE_BYTES:
        raise _refuse(
            gettext(
                "The picture must be smaller than %(size)s MB",
                size=MAX_IMAGE_BYTES // (1024 * 1024),
            )
        )
    kind = sniff(data)
    if kind is None:
        raise _refuse(gettext("The picture must be a JPEG, PNG or WebP file"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise _refuse(
                        gettext("The picture has too many pixels: use one under 40 megapixels")
                    )
                opened.seek(0)  # the first frame of an animation
                opened.load()
                upright = ImageOps.exif_transpose(opened)
    except Invalid:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise _refuse(
            gettext("The picture could not be read: it may be damaged, so try saving it again")
        ) from error
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    clean = _bare_pixels(upright, kind)
    out = io.BytesIO()
    clean.save(out, format=kind, **SAVE_OPTIONS[kind])
    return CleanImage(out.getvalue(), FORMATS[kind], clean.width, clean.height)


def check_alt_text(alt_text: str) -> str:
    """The description of the picture for people who cannot see it: required, short."""
    text = " ".join(alt_text.split())
    if not text:
        raise Invalid(
            gettext("Describe the picture for people who cannot see it."),
            fields={"image_alt": gettext("Describe the picture for people who cannot see it")},
        )
    if len(text) > MAX_ALT_TEXT:
        raise Invalid(
            gettext("Use %(most)s characters or fewer to describe the picture.", most=MAX_ALT_TEXT),
            fields={"image_alt": gettext("Use %(most)s characters or fewer", most=MAX_ALT_TEXT)},
        )
    return text


def attach_image(proposal: PBProposal, image: CleanImage, alt_text: str) -> PBProposalImage:
    """Give `proposal` its picture (replacing any it had). Flushes."""
    if proposal.image is not None:
        db.session.delete(proposal.image)
        db.session.flush()
    row = PBProposalImage(
        proposal=proposal,
        content_type=image.content_type,
        data=image.data,
        width=image.width,
        height=image.height,
        byte_size=len(image.data),
        alt_text=alt_text,
        hidden=False,
    )
    db.session.add(row)
    db.session.flush()
    return row


def set_image_hidden(proposal: PBProposal, *, hidden: bool, reason: str = "", actor: Any) -> bool:
    """Hide a proposal's picture from every public page (a reason is required; it is sent
    to the proposer), or show it again. Returns whether anything changed. Audited;
    flushes. Raises Conflict when there is no picture, Invalid without a reason."""
    require_officer(actor)
    image = proposal.image
    if image is None:
        raise Conflict(gettext("This proposal has no picture."))
    if hidden and not reason.strip():
        raise Invalid(
            gettext("Give the reason for hiding the picture: it is sent to the proposer."),
            fields={"image_reason": gettext("Give the reason for hiding the picture")},
        )
    if image.hidden == hidden:
        return False
    image.hidden = hidden
    image.hidden_reason = reason.strip() if hidden else None
    audit("pb.image_hidden" if hidden else "pb.image_shown", actor=actor, subject=proposal)
    return True


def public_image(proposal: PBProposal) -> PBProposalImage | None:
    """The picture anyone may see: the proposal is published (or merged, whose page still
    shows) and the picture is not hidden."""
    image = proposal.image
    if image is None or image.hidden or proposal.moderation not in ("published", "merged"):
        return None
    return image

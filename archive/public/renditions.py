"""Photo renditions: each uploaded photo scaled once to a few widths, kept with the media
files, and offered with ``srcset`` so a phone never downloads a 4000-pixel original.

The renditions of ``photos/2025/01/a.jpg`` live in ``renditions/photos/2025/01/a.jpg/``,
each named by its size (``480x320.jpg``), so the folder's listing says every width and
height without opening an image. They are made on the photo's first page view; the
sizes found are then remembered in the cache, so later views touch neither Pillow nor
the storage. None is wider than the original (a 1200-pixel photo gets 480, 960 and
1200); all are re-encoded upright (EXIF orientation applied, metadata dropped).

A replaced photo gets a new file name, hence new renditions. After changing ``WIDTHS``,
delete ``renditions/`` under the media root to have them made again.
"""

import hashlib
import io
import logging
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1440)
FALLBACK_WIDTH = 960  # the ``src`` of browsers without srcset
FOLDER = "renditions"
JPEG_QUALITY = 82
RETRY_SECONDS = 300  # a photo that could not be read is tried again after this
_NAME = re.compile(r"^(\d+)x(\d+)\.(jpg|png|webp)$")


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class ResponsiveImage:
    renditions: tuple[Rendition, ...]  # narrowest first

    @property
    def src(self) -> str:
        fitting = [r for r in self.renditions if r.width <= FALLBACK_WIDTH]
        return (fitting or self.renditions)[-1].url

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    @property
    def width(self) -> int:
        return self.renditions[-1].width

    @property
    def height(self) -> int:
        return self.renditions[-1].height


def attach(photos) -> None:
    """Give each photo its ``responsive`` image: None when it has no file or the file
    cannot be read (the page then shows the caption and credits, or the original)."""
    photos = [photo for photo in photos if photo.image]
    keys = {photo.pk: _cache_key(photo.image.name) for photo in photos}
    known = cache.get_many(list(keys.values()))
    for photo in photos:
        sizes = known.get(keys[photo.pk])
        if sizes is None:
            sizes = _stored(photo.image) or _make(photo.image)
            cache.set(keys[photo.pk], sizes, None if sizes else RETRY_SECONDS)
        storage = photo.image.storage
        photo.responsive = (
            ResponsiveImage(tuple(Rendition(storage.url(name), w, h) for name, w, h in sizes))
            if sizes
            else None
        )


def _cache_key(name: str) -> str:
    return f"archive:renditions:{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def _folder(name: str) -> str:
    return f"{FOLDER}/{name}"


def _stored(image) -> list[tuple[str, int, int]]:
    """The renditions in the storage, narrowest first; none unless all are there. They are
    made widest first, and the widest says which others there should be."""
    folder = _folder(image.name)
    try:
        _, files = image.storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    by_width = {}
    for file in files:
        if match := _NAME.match(file):
            by_width[int(match[1])] = (f"{folder}/{file}", int(match[1]), int(match[2]))
    if not by_width:
        return []
    expected = {min(width, max(by_width)) for width in WIDTHS}
    if not expected <= by_width.keys():
        return []
    return [by_width[width] for width in sorted(expected)]


def _make(image) -> list[tuple[str, int, int]]:
    storage, folder = image.storage, _folder(image.name)
    try:
        with storage.open(image.name, "rb") as source, Image.open(source) as original:
            source_format = original.format
            # JPEG decoding at a reduced scale: both sides stay at least the widest rendition.
            original.draft("RGB", (max(WIDTHS), max(WIDTHS)))
            upright = ImageOps.exif_transpose(original)
            has_alpha = "A" in upright.getbands() or "transparency" in upright.info
            extension = _extension(source_format, has_alpha)
            upright = upright.convert("RGBA" if has_alpha else "RGB")
            made = []
            for width in sorted({min(w, upright.width) for w in WIDTHS}, reverse=True):
                height = max(1, round(upright.height * width / upright.width))
                name = f"{folder}/{width}x{height}.{extension}"
                if not storage.exists(name):  # another process may have just made it
                    scaled = upright.resize((width, height), Image.Resampling.LANCZOS)
                    name = storage.save(name, ContentFile(_encode(scaled, extension)))
                made.append((name, width, height))
            return made[::-1]
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("Cannot make renditions of %s", image.name, exc_info=True)
        return []


def _extension(source_format: str | None, has_alpha: bool) -> str:
    """WebP stays WebP; a photo without transparency becomes a JPEG; anything else a PNG."""
    if source_format == "WEBP":
        return "webp"
    if source_format in ("JPEG", "MPO") or not has_alpha and source_format != "PNG":
        return "jpg"
    return "png"


def _encode(image: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "jpg":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif extension == "webp":
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()

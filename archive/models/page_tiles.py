"""Deep-zoom tiles of a page image, made once when its scan is saved and kept with the
media files, so the viewer's every request is a static-file read.

The tiles of ``pages/2025/01/a.jpg`` live in ``tiles/pages/2025/01/a.jpg/``: the Deep
Zoom descriptor ``page.dzi``, the pyramid ``page_files/<level>/<column>_<row>.jpg``
(OpenSeadragon's own format: level 0 is one pixel, each level twice the one below it,
the top level the full image) and ``preview.jpg``, the plain image shown without
JavaScript. A replaced scan gets a new image name, hence new tiles.
"""

import io
import math
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

FOLDER = "tiles"
TILE_SIZE = 254  # with the overlap, 256-pixel tiles
OVERLAP = 1
JPEG_QUALITY = 80
PREVIEW_WIDTH = 1200
DZI = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="jpg" '
    'Overlap="{overlap}" TileSize="{tile}"><Size Width="{width}" Height="{height}"/></Image>\n'
)


@dataclass(frozen=True)
class Tiles:
    """Where a page image's tiles and preview are, for the viewer."""

    dzi_url: str
    tiles_url: str  # ends with "/": OpenSeadragon appends "<level>/<column>_<row>.jpg"
    preview_url: str
    width: int
    height: int
    tile_size: int = TILE_SIZE
    overlap: int = OVERLAP


def folder(image_name: str) -> str:
    return f"{FOLDER}/{image_name}"


def tiles_of(image) -> Tiles:
    """The tiles of a stored page image (a FieldFile); reads no file."""
    base = folder(image.name)
    url = image.storage.url
    return Tiles(
        dzi_url=url(f"{base}/page.dzi"),
        tiles_url=url(f"{base}/page_files/"),
        preview_url=url(f"{base}/preview.jpg"),
        width=image.instance.width,
        height=image.instance.height,
    )


def levels(width: int, height: int) -> list[tuple[int, int]]:
    """Each level's size, level 0 first."""
    top = math.ceil(math.log2(max(width, height, 1)))
    scales = [2 ** (top - level) for level in range(top + 1)]
    return [(max(1, math.ceil(width / s)), max(1, math.ceil(height / s))) for s in scales]


def make_tiles(storage, image_name: str, picture: Image.Image) -> int:
    """Store the tiles and the preview of ``picture``; returns the number of files written
    (files already there, from an interrupted run, are kept)."""
    base = folder(image_name)
    written = 0

    def put(name: str, image: Image.Image) -> None:
        nonlocal written
        if not storage.exists(name):
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            storage.save(name, ContentFile(out.getvalue()))
            written += 1

    picture = picture.convert("RGB")
    sizes = levels(picture.width, picture.height)
    current = picture
    for level in range(len(sizes) - 1, -1, -1):
        width, height = sizes[level]
        if current.size != (width, height):
            # Each level from the one above it: halving is quick and keeps detail.
            current = current.resize((width, height), Image.Resampling.LANCZOS)
        for column in range(math.ceil(width / TILE_SIZE)):
            for row in range(math.ceil(height / TILE_SIZE)):
                left = max(0, column * TILE_SIZE - OVERLAP)
                top = max(0, row * TILE_SIZE - OVERLAP)
                right = min(width, (column + 1) * TILE_SIZE + OVERLAP)
                bottom = min(height, (row + 1) * TILE_SIZE + OVERLAP)
                tile = current.crop((left, top, right, bottom))
                put(f"{base}/page_files/{level}/{column}_{row}.jpg", tile)
    preview_width = min(PREVIEW_WIDTH, picture.width)
    preview_height = max(1, round(picture.height * preview_width / picture.width))
    put(
        f"{base}/preview.jpg",
        picture.resize((preview_width, preview_height), Image.Resampling.LANCZOS),
    )
    descriptor = f"{base}/page.dzi"
    if not storage.exists(descriptor):
        text = DZI.format(
            overlap=OVERLAP, tile=TILE_SIZE, width=picture.width, height=picture.height
        )
        storage.save(descriptor, ContentFile(text.encode()))
        written += 1
    return written

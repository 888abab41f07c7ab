"""The sample page and what the importer must make of it (``archive.demo.oracle``)."""

from archive.demo import PAGE
from archive.demo.oracle import BANNER, STORIES
from archive.gazetteer import zhejiang_2024
from archive.ingest.places import Gazetteer

__all__ = ["BANNER", "PAGE", "STORIES", "gazetteer"]


def gazetteer() -> Gazetteer:
    """Zhejiang's regions as migration 0002 loads them, without a database."""
    return Gazetteer.load([row[:3] for row in zhejiang_2024.REGIONS])

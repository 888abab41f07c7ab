"""The sample page and what the importer must make of it (``archive.sample_page``)."""

import importlib

from archive.demo import PAGE
from archive.ingest.places import Gazetteer
from archive.sample_page import BANNER, STORIES

__all__ = ["BANNER", "PAGE", "STORIES", "gazetteer"]


def gazetteer() -> Gazetteer:
    """Zhejiang's regions as migration 0002 loads them, without a database."""
    regions = importlib.import_module("archive.migrations.0002_zhejiang_regions").REGIONS
    return Gazetteer.load([row[:3] for row in regions])

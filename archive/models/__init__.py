from .articles import Article, ArticleRegion, Credit, Photo, Section
from .contributors import Contributor
from .edition_pages import EditionPage, StoryArea
from .imports import PageImport
from .jobs import RefreshJob
from .listings import PublicTally, StoryListing, TalliedStory
from .regions import Region, RegionName, RegionSuccession
from .search import SearchDocument
from .versions import ContentVersion

__all__ = [
    "Article",
    "ArticleRegion",
    "ContentVersion",
    "Contributor",
    "Credit",
    "EditionPage",
    "PageImport",
    "Photo",
    "PublicTally",
    "RefreshJob",
    "Region",
    "RegionName",
    "RegionSuccession",
    "SearchDocument",
    "Section",
    "StoryArea",
    "StoryListing",
    "TalliedStory",
]

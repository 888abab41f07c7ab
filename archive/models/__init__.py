from .articles import Article, ArticleRegion, Credit, Photo, Section
from .contributors import Contributor
from .listings import StoryListing
from .regions import Region

__all__ = [
    "Article",
    "ArticleRegion",
    "Contributor",
    "Credit",
    "Photo",
    "Region",
    "Section",
    "StoryListing",
]

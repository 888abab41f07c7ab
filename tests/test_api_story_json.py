"""The API's stories are serialized without DRF's field machinery
(``StoryListSerializer.to_representation``): the same JSON as the declared fields give."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from archive.api.serializers import StoryDetailSerializer, StoryListSerializer
from archive.models import Article
from tests.factories import ArticleFactory, full_story

pytestmark = pytest.mark.django_db


def stories() -> list[Article]:
    full_story(bylines=3, photos=2, edition_date=datetime.date(2024, 5, 6), page_number=3)
    full_story(regions=("330802", "330182"), bylines=0, photos=1, kicker="引题", subtitle="副题")
    ArticleFactory(section=None, byline="本报记者 张三", published_at=timezone.now())
    ArticleFactory(
        regions=["330803"],
        page_name="县域观察",
        edition_date=datetime.date(1988, 7, 1),
        published_at=datetime.datetime(1988, 7, 1, 1, tzinfo=datetime.UTC),  # summer time then
    )
    return list(Article.objects.published().for_reading())


@pytest.mark.parametrize("serializer", [StoryListSerializer, StoryDetailSerializer])
def test_a_story_is_the_json_its_declared_fields_give(serializer):
    request = APIRequestFactory().get("/api/stories/")
    for story in stories():
        fast = serializer(story, context={"request": request}).data
        declared = serializers.ModelSerializer.to_representation(
            serializer(context={"request": request}), story
        )
        assert fast == declared
        assert list(fast) == list(declared)

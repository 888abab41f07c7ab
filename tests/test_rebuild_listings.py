import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import StoryListing
from tests.factories import full_story

pytestmark = pytest.mark.django_db


def test_rebuilding_restores_lost_listing_rows_and_the_region_pages(client):
    story = full_story(headline="柯城：列表索引重建", regions=["330802"])
    expected = sorted(StoryListing.objects.values_list("facet", "subject_id", "article_id"))
    StoryListing.objects.all().delete()
    region_page = reverse("archive:region_detail", args=["kecheng"])
    assert story.headline not in client.get(region_page).content.decode()

    call_command("rebuild_listings", batch=1, no_progress=True, stdout=None)

    rows = sorted(StoryListing.objects.values_list("facet", "subject_id", "article_id"))
    assert rows == expected
    assert story.headline in client.get(region_page).content.decode()

"""Build StoryListing rows for stories that existed before the table did."""

from django.db import migrations

REGION, BYLINE, PHOTO = 1, 2, 3


def fill(apps, schema_editor):
    Article = apps.get_model("archive", "Article")
    ArticleRegion = apps.get_model("archive", "ArticleRegion")
    Credit = apps.get_model("archive", "Credit")
    Region = apps.get_model("archive", "Region")
    StoryListing = apps.get_model("archive", "StoryListing")

    by_code = dict(Region.objects.values_list("code", "pk"))
    ancestors = {
        pk: {pk, by_code.get(code[:2] + "0000"), by_code.get(code[:4] + "00")} - {None}
        for code, pk in by_code.items()
    }
    published = dict(Article.objects.values_list("pk", "published_at"))
    rows = set()
    for article_id, region_id in ArticleRegion.objects.values_list("article_id", "region_id"):
        rows.update((article_id, REGION, r) for r in ancestors[region_id])
    for article_id, contributor_id in Credit.objects.filter(article__isnull=False).values_list(
        "article_id", "contributor_id"
    ):
        rows.add((article_id, BYLINE, contributor_id))
    for article_id, contributor_id in Credit.objects.filter(photo__isnull=False).values_list(
        "photo__article_id", "contributor_id"
    ):
        rows.add((article_id, PHOTO, contributor_id))
    StoryListing.objects.bulk_create(
        [
            StoryListing(article_id=a, facet=f, subject_id=s, published_at=published[a])
            for a, f, s in sorted(rows)
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_story_listing")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

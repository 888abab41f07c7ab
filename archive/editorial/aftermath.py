"""What follows every write, owned by one function.

After anything readers or editors could see is written, three things must follow,
in the same transaction: the stories' derived rows (listing index, search document)
are rewritten from their data, each changed story gets its history row (the whole
story, with its bylines, photos and regions), and the content version that keys the
page cache is bumped, once, so no reader is served a page from before the write; when
the write may change what is public, so is the version that keys the counts.
Every write path calls ``after_write``: the services, the admin's saves and
deletes, the bulk commands and the test factories. Nothing else bumps the version.
"""

from collections.abc import Iterable

from django.db import transaction

from archive.editorial import derived, history
from archive.models import Article, ContentVersion


@transaction.atomic
def after_write(
    stories: Iterable[Article | int] = (),
    *,
    user=None,
    reason: str = "",
    created: bool = False,
    record: bool = True,
) -> None:
    """Follow a write that touched ``stories``, as ``user`` (None: the system).

    Stories given as ``Article``s get a history row (``created`` for new ones, with
    ``reason``) unless ``record`` is False (their own save already wrote one); those
    given as ids only had rows around them change (a merge moved their credits) and
    get none. With no stories (a section renamed, a bulk load), only the version moves.
    """
    stories = list(stories)
    ids = [story if isinstance(story, int) else story.pk for story in stories]
    if ids:
        derived.refresh(ids)
    if record:
        for story in stories:
            if isinstance(story, Article):
                history.record(story, created=created, user=user, reason=reason)
    ContentVersion.bump(*_versions(stories))


def _versions(stories: list) -> tuple[int, ...]:
    """The page version always; the counts' too unless every story written is a draft or
    in review and was as loaded (a story known only by id: unless none is published)."""
    pages = (ContentVersion.PAGES,)
    if not stories:  # a bulk load, a rename: anything may have changed
        return (*pages, ContentVersion.COUNTS)
    if any(isinstance(story, Article) and story.counts_on_it for story in stories):
        return (*pages, ContentVersion.COUNTS)
    by_id = [story for story in stories if not isinstance(story, Article)]
    if by_id and Article.objects.filter(pk__in=by_id, status=Article.Status.PUBLISHED).exists():
        return (*pages, ContentVersion.COUNTS)
    return pages

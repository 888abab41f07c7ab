"""Who may do what, beyond Django's per-model permissions; the services enforce it.

The roles (groups created by migration 0011) grant model permissions; these rules
add what a model permission cannot say: a reporter changes only their own stories
(and the photos in them), and only while unpublished; publishing and withdrawing
need ``publish_article``. The services check them on every call (``require``), so
the admin, a management command and any future caller are refused alike; the admin
asks the same functions to hide what a role may not do.

``user`` None is the system acting (the demo loader, an operator's management
command): it may do anything, as an operator with the shell can.
"""

from django.core.exceptions import PermissionDenied

from archive.models import Article, Photo

Status = Article.Status
REPORTER_STATUSES = (Status.DRAFT, Status.REVIEW)


class NotAllowed(PermissionDenied):
    """The user may not make this write: nothing was written."""


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _system(user) -> bool:
    return user is None


def can_publish(user) -> bool:
    """Publish and withdraw stories."""
    return _system(user) or user.has_perm("archive.publish_article")


def can_add(user) -> bool:
    return _system(user) or user.has_perm("archive.add_article")


def can_change(user, article: Article | None) -> bool:
    """Whether ``user`` may change ``article`` (None: stories in general)."""
    if _system(user):
        return True
    if not user.has_perm("archive.change_article"):
        return False
    if article is None or user.has_perm("archive.change_any_article"):
        return True
    return article.created_by_id == user.pk and article.status in REPORTER_STATUSES


def can_delete(user, article: Article | None) -> bool:
    if _system(user):
        return True
    return user.has_perm("archive.delete_article") and can_change(user, article)


def can_submit(user, article: Article) -> bool:
    """Send a story for review: an editor any, a reporter their own."""
    if _system(user):
        return True
    if not user.has_perm("archive.change_article"):
        return False
    return user.has_perm("archive.change_any_article") or article.created_by_id == user.pk


def restricted_to_own(user) -> bool:
    """A reporter: writes stories, but only their own (the photo desk writes none)."""
    return (
        not _system(user)
        and user.has_perm("archive.change_article")
        and not user.has_perm("archive.change_any_article")
    )


def can_change_photos_in(user, article: Article | None) -> bool:
    """The photo desk and editors change any story's photos (and their captions and
    credits); a reporter only those of the stories they may change: their own, while
    unpublished (None: photos in general)."""
    if _system(user):
        return True
    if not user.has_perm("archive.change_photo"):
        return False
    if article is None or not restricted_to_own(user):
        return True
    return can_change(user, article)


def can_change_photo(user, photo: Photo | None) -> bool:
    return can_change_photos_in(user, photo.article if photo is not None else None)


def can_delete_photo(user, photo: Photo | None) -> bool:
    if _system(user):
        return True
    return user.has_perm("archive.delete_photo") and can_change_photo(user, photo)


def can_merge(user) -> bool:
    """Merge contributors: moves their credits, deletes the merged records."""
    return _system(user) or (
        user.has_perm("archive.change_contributor") and user.has_perm("archive.delete_contributor")
    )


def can_import(user) -> bool:
    """Import a page's OCR text as draft stories."""
    return _system(user) or user.has_perm("archive.add_pageimport")


def can_add_page_image(user) -> bool:
    """File the scan of a printed page (a 版面图) for readers to browse."""
    return _system(user) or user.has_perm("archive.add_editionpage")


def allowed_statuses(user) -> list[str]:
    return list(Status.values) if can_publish(user) else list(REPORTER_STATUSES)


# What a refused user is told.
NOT_PUBLISHER = "您没有发布或撤回稿件的权限：只能存为草稿或提交审核。"
NOT_YOURS = "您只能修改自己尚未发布的稿件。"
NOT_YOUR_PHOTO = "您只能修改自己尚未发布的稿件中的图片。"
NO_ADD = "您没有新建稿件的权限。"
NO_DELETE = "您没有删除这篇稿件的权限。"
NO_MERGE = "您没有合并作者/供稿方的权限。"
NO_IMPORT = "您没有导入版面的权限。"
NO_PAGE_IMAGE = "您没有添加版面图的权限。"

"""Who may do what to a story, beyond Django's per-model permissions.

The roles (groups created by migration 0011) grant model permissions; these rules
add what a model permission cannot say: a reporter changes only their own stories,
and only while unpublished; publishing and withdrawing need ``publish_article``.
The admin asks these functions both to hide what is forbidden and to refuse it.
"""

from archive.models import Article

Status = Article.Status
REPORTER_STATUSES = (Status.DRAFT, Status.REVIEW)


def can_publish(user) -> bool:
    return user.has_perm("archive.publish_article")


def can_change(user, article: Article | None) -> bool:
    """Whether ``user`` may change ``article`` (None: stories in general)."""
    if not user.has_perm("archive.change_article"):
        return False
    if article is None or user.has_perm("archive.change_any_article"):
        return True
    return article.created_by_id == user.pk and article.status in REPORTER_STATUSES


def allowed_statuses(user) -> list[str]:
    return list(Status.values) if can_publish(user) else list(REPORTER_STATUSES)

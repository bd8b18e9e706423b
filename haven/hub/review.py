"""Content editors' work on translated articles: mark one reviewed, propose and decide corrections.

The files in content/ stay the source of truth. A review made here holds while the file is the one
it was made against (`Article.review_sha256`, kept by `load_content`); an accepted correction is
exported as the file's new content for someone to commit, and is not applied to the page.
"""

import difflib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.hub.content import FRONT_MATTER
from haven.hub.models import Article, Correction, CorrectionStatus, ReviewStatus

MAX_CORRECTION = 50_000


class ReviewError(ValueError):
    """An action that cannot be done in the correction's present state."""


def reviewer_name(user) -> str:
    return (user.get_full_name() or user.username)[:100]


@transaction.atomic
def mark_reviewed(article: Article, *, actor) -> Article:
    article.review = ReviewStatus.REVIEWED
    article.reviewer = reviewer_name(actor)
    article.review_date = timezone.localdate()
    article.save(update_fields=["review", "reviewer", "review_date"])
    record_event(
        "content.reviewed",
        actor=actor,
        obj=article,
        summary={"slug": article.slug, "language": article.language},
    )
    return article


@transaction.atomic
def propose_correction(article: Article, body: str, *, actor) -> Correction:
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValueError("empty")
    correction = Correction.objects.create(
        article=article, body=body, original=article.body, proposed_by=actor
    )
    record_event(
        "content.correction_proposed",
        actor=actor,
        obj=correction,
        summary={"slug": article.slug, "language": article.language},
    )
    return correction


@transaction.atomic
def decide_correction(correction: Correction, *, accept: bool, actor) -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionStatus.PROPOSED:
        raise ReviewError("decided")
    if correction.proposed_by_id == actor.pk:
        raise ReviewError("own")
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.decided_by = actor
    correction.decided = timezone.now()
    correction.save(update_fields=["status", "decided_by", "decided"])
    record_event(
        "content.correction_accepted" if accept else "content.correction_rejected",
        actor=actor,
        obj=correction,
        summary={"slug": correction.article.slug, "language": correction.article.language},
    )
    return correction


def difference(correction: Correction) -> list[tuple[str, str]]:
    """The lines of a unified diff, each with its kind (added, removed, same) for the page."""
    lines = difflib.unified_diff(
        correction.original.splitlines(), correction.body.splitlines(), lineterm="", n=2
    )
    result = []
    for line in list(lines)[2:]:  # the ---/+++ header names no files
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        result.append((kind, line))
    return result


def article_path(article: Article) -> Path:
    return (
        Path(settings.BASE_DIR) / "content" / "articles" / f"{article.slug}.{article.language}.md"
    )


def exported_file(correction: Correction) -> str | None:
    """The repository file with its body replaced by the accepted correction; None without it."""
    path = article_path(correction.article)
    if correction.status != CorrectionStatus.ACCEPTED or not path.is_file():
        return None
    parts = FRONT_MATTER.match(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    if not parts:
        return None
    return f"---\n{parts['meta']}\n---\n\n{correction.body}\n"

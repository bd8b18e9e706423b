"""Staff pages of content editors: translations by language and article, reviews, corrections."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.hub import review
from haven.hub.forms import CorrectionForm
from haven.hub.models import Article, Correction, CorrectionStatus
from haven.lib import vocabulary


def _article(language: str, slug: str) -> Article:
    if language not in vocabulary.language_codes():
        raise Http404
    return get_object_or_404(Article, slug=slug, language=language, published=True)


def _detail(request, article: Article, form: CorrectionForm, status: int = 200):
    corrections = [
        {"item": item, "diff": review.difference(item)}
        for item in article.corrections.select_related("proposed_by", "decided_by")
    ]
    context = {"article": article, "form": form, "corrections": corrections}
    return render(request, "hub/staff/translation.html", context, status=status)


@staff_view(Capability.CONTENT_REVIEW)
def translations(request):
    articles = Article.objects.filter(published=True).exclude(language=vocabulary.FALLBACK_LANGUAGE)
    pending = {
        row["article_id"]
        for row in Correction.objects.filter(status=CorrectionStatus.PROPOSED).values("article_id")
    }
    names = {language.code: language.native_name for language in vocabulary.languages()}
    groups = {}
    for article in articles.order_by("language", "slug"):
        groups.setdefault(article.language, []).append((article, article.pk in pending))
    languages = [(code, names.get(code, code), items) for code, items in groups.items()]
    return render(request, "hub/staff/translations.html", {"languages": languages})


@staff_view(Capability.CONTENT_REVIEW)
def translation(request, language, slug):
    article = _article(language, slug)
    return _detail(request, article, CorrectionForm(initial={"body": article.body}))


@require_POST
@staff_view(Capability.CONTENT_REVIEW)
def mark_reviewed(request, language, slug):
    article = _article(language, slug)
    review.mark_reviewed(article, actor=request.user)
    messages.success(request, _("The translation is marked as reviewed."))
    return redirect("hub_review:translation", language=language, slug=slug)


@require_POST
@staff_view(Capability.CONTENT_REVIEW)
def propose(request, language, slug):
    article = _article(language, slug)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _detail(request, article, form, status=422)
    review.propose_correction(article, form.cleaned_data["body"], actor=request.user)
    messages.success(request, _("Your correction was proposed. Another editor will decide."))
    return redirect("hub_review:translation", language=language, slug=slug)


@require_POST
@staff_view(Capability.CONTENT_REVIEW)
def decide(request, language, slug, correction_id):
    article = _article(language, slug)
    correction = get_object_or_404(Correction, pk=correction_id, article=article)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return HttpResponse(_("Choose accept or reject."), status=422, content_type="text/plain")
    try:
        review.decide_correction(correction, accept=decision == "accept", actor=request.user)
    except review.ReviewError as error:
        reason = {
            "own": _("Another editor decides on your own correction."),
            "decided": _("This correction was already decided."),
        }[str(error)]
        return HttpResponse(reason, status=422, content_type="text/plain; charset=utf-8")
    if decision == "accept":
        messages.success(request, _("Accepted. Download the file and commit it to the repository."))
    else:
        messages.success(request, _("The correction was rejected."))
    return redirect("hub_review:translation", language=language, slug=slug)


@staff_view(Capability.CONTENT_REVIEW)
def export(request, language, slug, correction_id):
    article = _article(language, slug)
    correction = get_object_or_404(Correction, pk=correction_id, article=article)
    content = review.exported_file(correction)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/markdown; charset=utf-8")
    filename = f"{article.slug}.{article.language}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

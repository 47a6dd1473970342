from django.shortcuts import render
from django.utils.http import urlencode

from .forms import SiteSearchForm
from .models import SearchEntry
from .site import search_site

SUGGESTIONS = ("康复", "康复驿站", "服药训练", "精康融合行动", "监督电话", "绿色通道")


def _section_choices():
    rows = SearchEntry.objects.filter(is_public=True).values_list("section", "section_label").distinct()
    return sorted(set(rows), key=lambda r: r[1])


def site_search(request):
    """全站搜索 /search/?q=…: results grouped by section, with filters by section and date."""
    form = SiteSearchForm(request.GET or None, sections=_section_choices())
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = search_site(
            q=data["q"], sections=data["section"], date_from=data["date_from"], date_to=data["date_to"],
            page=data["page"] or 1,
        )
    query = request.GET.copy()
    query.pop("page", None)
    section_query = query.copy()
    section_query.pop("section", None)
    single_terms = []
    if result is not None and not result.total and len(result.terms) > 1:
        single_terms = [(t, "?" + urlencode({"q": t})) for t in result.terms]
    context = {
        "form": form,
        "result": result,
        "query": query.urlencode(),
        "section_query": section_query.urlencode(),
        "single_terms": single_terms,
        "suggestions": [(s, "?" + urlencode({"q": s})) for s in SUGGESTIONS],
        "q": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else request.GET.get("q", "")[:100],
    }
    return render(request, "search/site_search.html", context)

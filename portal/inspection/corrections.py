"""纠错: "report an error on this page", linked from every public page's footer.

A report is a supervision message of its own type (网页纠错), handled in the
same inbox (监督渠道 → 留言办理) with a three-working-day due date
(``SupervisionMessage.reply_working_days``). It goes to the region of the site
(首页 → 本站区划), whose staff run the site; a site without one lets the
visitor choose, as the supervision form does. The same submission path as the
supervision form (honeypot, rate limit) is used: ``supervision.services.submit``.
"""

from urllib.parse import urlsplit

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.models import Page, Site

from portal.supervision.forms import SupervisionMessageForm
from portal.supervision.models import ERROR_REPORT_WORKING_DAYS, REFERENCE_RE, MessageType
from portal.supervision.services import SubmissionRefused, submit

ERROR_KINDS = ["错别字或表述错误", "链接打不开", "信息过期或不准确", "图片或附件有问题", "其他问题"]
MAX_PATH = 500


def clean_path(value):
    """The site path a report is about ("/zhengce/policy-1/"), or "" for anything else."""
    value = (value or "").strip()[:MAX_PATH]
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return ""
    return parts.path


def page_for_path(request, path):
    """The live public page at ``path`` or, for a routed sub-page (/jigou/12/), above it."""
    site = Site.find_for_request(request)
    if site is None or not path:
        return None
    segments = [s for s in path.split("/") if s]
    candidates = [site.root_page.url_path + "".join(f"{s}/" for s in segments[:n]) for n in range(len(segments), -1, -1)]
    pages = Page.objects.live().public().filter(url_path__in=candidates).order_by("-depth")
    return pages.first()


def site_region(request):
    site = Site.find_for_request(request)
    return getattr(site.root_page.specific, "region", None) if site is not None else None


class PagePathField(forms.CharField):
    """The page a report is about: informational, so anything unusable becomes "" rather than an error."""

    widget = forms.HiddenInput

    def clean(self, value):
        return clean_path(value)


class ErrorReportForm(SupervisionMessageForm):
    page = PagePathField(required=False)
    kind = forms.ChoiceField(
        label="错误类型", choices=[("", "请选择")] + [(k, k) for k in ERROR_KINDS],
        error_messages={"required": "请选择错误类型。", "invalid_choice": "请从列表中选择错误类型。"},
    )

    class Meta(SupervisionMessageForm.Meta):
        fields = ["region", "content", "contact_name", "contact_phone", "contact_email"]
        labels = {**SupervisionMessageForm.Meta.labels, "content": "错误描述"}
        help_texts = {
            "content": "请写明错在哪里、正确的应是什么，不超过 3000 字。请勿填写身份证号等个人信息。",
            "contact_phone": "选填，仅办理本次纠错的工作人员可见，用于核实情况。",
        }
        error_messages = {
            **SupervisionMessageForm.Meta.error_messages,
            "content": {"required": "请描述页面上的错误。", "max_length": "错误描述不能超过 3000 字（现有 %(show_value)d 字）。"},
        }

    field_order = ["page", "region", "kind", "content", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, region=None, page_title="", **kwargs):
        super().__init__(*args, **kwargs)
        self.page_title = page_title
        if region is not None:
            # The site's own region: the visitor need not choose.
            del self.fields["region"]
            self.instance.region = region

    def save(self, commit=True):
        path = self.cleaned_data.get("page") or ""
        message = self.instance
        message.message_type = MessageType.ERROR_REPORT
        message.concerns = f"网页纠错：{self.page_title or path or '未注明页面'}"[:200]
        message.content = (f"页面：{self.page_title or '—'}（{path or '未注明地址'}）\n"
                           f"错误类型：{self.cleaned_data['kind']}\n\n{self.cleaned_data['content']}")
        return super().save(commit)


def error_report(request):
    """GET: the form for the page in ?page=; POST: store it as a 网页纠错 message."""
    path = clean_path(request.POST.get("page") if request.method == "POST" else request.GET.get("page"))
    page = page_for_path(request, path)
    title = page.title if page is not None else ""
    region = site_region(request)
    context = {"page_path": path, "page_title": title, "working_days": ERROR_REPORT_WORKING_DAYS,
               "article_title": "网页纠错"}
    status = 200
    if request.method == "POST":
        try:
            form, message = submit(request, request.POST, form_class=ErrorReportForm, region=region, page_title=title)
        except SubmissionRefused as refused:
            form, message, status = ErrorReportForm(request.POST, region=region, page_title=title), None, 429
            context["form_error"] = str(refused)
        if message is not None:
            query = urlencode({"ref": message.reference}) if message else ""
            return HttpResponseRedirect(reverse("error_report_thanks") + (f"?{query}" if query else ""))
        status = status if status == 429 else 400
    else:
        form = ErrorReportForm(initial={"page": path}, region=region, page_title=title)
    context["form"] = form
    return render(request, "inspection/error_report.html", context, status=status)


def error_report_thanks(request):
    reference = request.GET.get("ref", "")
    return render(request, "inspection/error_report_thanks.html", {
        "reference": reference if REFERENCE_RE.fullmatch(reference) else "",
        "working_days": ERROR_REPORT_WORKING_DAYS, "article_title": "纠错已提交",
    })

"""Every page type of the public site, served from the demo content."""

import re

import pytest
from wagtail.models import Page

from portal.pages.models import PolicyPage, SiteIdentity

pytestmark = pytest.mark.django_db


def page_models():
    from wagtail.models import get_page_models

    return {m for m in get_page_models() if m._meta.app_label == "pages"}


def test_every_page_type_is_in_the_demo_and_renders(site_demo, client):
    served = set()
    for page in Page.objects.live().descendant_of(site_demo, inclusive=True).specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert page.title in html or page.title.replace("“", "&ldquo;") in html or page.depth == 2
        served.add(type(page))
    assert served == page_models()


def test_no_inline_scripts_styles_or_external_resources(site_demo, client):
    for page in Page.objects.live().descendant_of(site_demo, inclusive=True).specific():
        html = client.get(page.url).content.decode()
        assert "<script" not in html, page.url
        assert "<style" not in html and " style=" not in html, page.url
        assert not re.search(r'(src|href)="(https?:)?//(?!beian)', html), page.url


def test_home_page_shows_sections_hotline_progress_and_latest(site_demo, client):
    html = client.get("/").content.decode()
    for section in ("机构查询", "价格公示", "监督渠道", "政策文件", "优秀案例", "工作进展", "联席会议与任务分工"):
        assert section in html
    assert "12345" in html and "0412-5550001" in html
    assert "同伴支持让康复者走出家门" in html
    assert "有爱市集" in html
    assert "开展服务覆盖率" in html


def test_government_meta_tags_and_footer(site_demo, client):
    identity = SiteIdentity.for_site(site_demo.get_site())
    identity.site_id_code = "2103000001"
    identity.icp_number = "辽ICP备12345678号"
    identity.save()
    policy = PolicyPage.objects.get(slug="policy-4")
    html = client.get(policy.url).content.decode()
    assert '<meta name="SiteName" content="精康融合行动服务平台">' in html
    assert '<meta name="SiteIDCode" content="2103000001">' in html
    assert '<meta name="ColumnName" content="政策文件">' in html
    assert f'<meta name="ArticleTitle" content="{policy.title}">' in html
    assert re.search(r'<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}">', html)
    assert '<meta name="ContentSource" content="鞍山市民政局（演示）">' in html
    assert "辽ICP备12345678号" in html and "主办单位：鞍山市民政局（演示）" in html


def test_the_five_seed_policies_are_loaded_verbatim(site_demo):
    from pathlib import Path

    from django.conf import settings
    from django.utils.html import strip_tags

    from portal.pages.policy_text import visible_characters

    policies = list(PolicyPage.objects.order_by("slug"))
    assert len(policies) == 5
    seeds = sorted((Path(settings.BASE_DIR) / "fixtures" / "seeds").glob("*.txt"))
    for policy, seed in zip(policies, seeds):
        texts = []
        for block in policy.body:
            if block.block_type == "heading":
                texts.append(block.value["text"])
            elif block.block_type == "signature":
                texts.append(block.value)
            else:
                texts.append(strip_tags(block.value.source))
        import html as htmllib

        text = re.sub(r"\s+", "", htmllib.unescape("".join(texts)))
        assert text == visible_characters(seed.read_text(encoding="utf-8")), policy.title
    shanghai = PolicyPage.objects.get(document_number="沪民残福发〔2023〕4号")
    assert str(shanghai.written_date) == "2023-10-07"
    # The 落款 is its own block (right-aligned), the issuers above the date.
    signatures = [b.value for b in shanghai.body if b.block_type == "signature"]
    assert len(signatures) == 1 and signatures[0].endswith("2023年 10月 7日") and "上海市残疾人联合会" in signatures[0]


def test_policy_list_filters_by_status(site_demo, client):
    PolicyPage.objects.filter(slug="policy-2").update(status="repealed")
    html = client.get("/zhengce/?status=repealed").content.decode()
    assert "关于加快精神障碍社区康复服务发展的实施意见" in html
    assert "吉民发〔2023〕40号" not in html


def test_elder_mode_is_kept_in_a_cookie(site_demo, client):
    response = client.get("/elder-mode/?on=1&next=/jigou/")
    assert response.status_code == 302 and response["Location"] == "/jigou/"
    assert response.cookies["elder"].value == "1"
    html = client.get("/zhengce/").content.decode()
    assert 'class="elder ' in html and "退出长者模式" in html
    client.get("/elder-mode/?on=0&next=/")
    assert 'class="elder ' not in client.get("/zhengce/").content.decode()


def test_elder_mode_refuses_to_redirect_elsewhere(client, db):
    response = client.get("/elder-mode/?on=1&next=https://evil.example/")
    assert response["Location"] == "/"


def test_every_page_model_has_search_fields():
    from wagtail.search import index

    for model in page_models():
        names = {f.field_name for f in model.search_fields if isinstance(f, index.SearchField)}
        assert "title" in names, model
        body_fields = {"body", "intro", "summary", "practices"} & {f.name for f in model._meta.get_fields()}
        assert body_fields <= names, (model, body_fields - names)


def test_pages_are_found_through_wagtail_search(site_demo):
    results = Page.objects.live().search("有爱市集")
    assert any("有爱市集" in p.title for p in results)


def test_form_page_stores_submissions(site_demo, client):
    from wagtail.contrib.forms.models import FormSubmission

    from portal.pages.models import FormPage

    form = FormPage.objects.get(slug="anli-zhengji")
    values = ["铁东区民政局", "铁东区", "同伴支持", "同伴支持小组", ""]
    data = {field.clean_name: value for field, value in zip(form.form_fields.order_by("sort_order"), values)}
    response = client.post(form.url, data)
    assert response.status_code == 200
    assert "感谢推荐" in response.content.decode()
    submission = FormSubmission.objects.get(page=form)
    assert "同伴支持小组" in submission.form_data.values()


def test_event_sign_up_form_requires_consent(site_demo, client):
    from wagtail.contrib.forms.models import FormSubmission

    from portal.pages.models import FormPage

    form = FormPage.objects.get(slug="youai-shiji-baoming")
    fields = list(form.form_fields.order_by("sort_order"))
    data = {fields[0].clean_name: "王女士", fields[1].clean_name: "13800138000", fields[2].clean_name: ["上午"]}
    response = client.post(form.url, data)
    assert response.status_code == 200 and not FormSubmission.objects.filter(page=form).exists()
    data[fields[3].clean_name] = "on"
    response = client.post(form.url, data)
    assert "报名成功" in response.content.decode()
    assert FormSubmission.objects.filter(page=form).count() == 1

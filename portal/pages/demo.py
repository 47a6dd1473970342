"""The demo public site (run by ``manage.py load_demo`` through ``load_site``).

Idempotent: pages are found by slug under their parent, records by name.
Policies are the five seed documents, verbatim; everything invented is marked
（示例）: hotlines, prices, messages, outreach items and cases.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import GroupPagePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask
from wagtail.rich_text import RichText

from .models import (
    CaseIndexPage,
    CasePage,
    DirectoryPage,
    FormField,
    FormPage,
    HomePage,
    JointMeetingPage,
    OutreachCategory,
    OutreachIndexPage,
    OutreachKind,
    OutreachPage,
    PolicyIndexPage,
    PolicyPage,
    PolicyStatus,
    PriceIndexPage,
    ProgressPage,
    RegionReviewTask,
    ReviewLevel,
    SiteIdentity,
    StandardPage,
    SupervisionPage,
)
from .policy_text import reflow

SITE_TITLE = "精康融合行动服务平台"
SAMPLE = "（示例）"
ANSHAN = "210300"
SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"


@transaction.atomic
def load_site():
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(
            title=SITE_TITLE, slug="home-zh",
            intro="<p>精神障碍社区康复服务：机构查询、价格公示、监督渠道、政策文件与工作进展。</p>",
        ))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                                   site_name=SITE_TITLE)
    elif site.root_page_id != home.pk:
        old = site.root_page
        site.root_page = home
        site.site_name = SITE_TITLE
        site.save()
        # Wagtail's "Welcome" placeholder page has nothing on it.
        if old.specific_class is Page and not old.get_children().exists():
            old.delete()
    load_public_site(home, site)
    return home


def region(code):
    from portal.registry.models import Region

    return Region.objects.filter(code=code).first()


def paragraph(text):
    return ("paragraph", RichText(f"<p>{escape(text)}</p>"))


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def child(parent, model, slug, published_at=None, **fields):
    """The child page with ``slug``, created live when missing (published at
    ``published_at``, else now)."""
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    return parent.add_child(instance=live(model(slug=slug, **fields), published_at))


def live(page, published_at=None):
    # Created live with its publication time; the demo needs no revision history.
    page.live = True
    page.first_published_at = page.last_published_at = published_at or timezone.now()
    return page


def on_date(date):
    """9:00 on ``date``, Beijing time."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(9)))


def load_public_site(home, site):
    anshan = region(ANSHAN)
    if anshan is not None and home.region_id is None:
        home.region = anshan
        home.save(update_fields=["region"])
    load_identity(site)
    directory = child(home, DirectoryPage, "jigou", title="机构查询", show_in_menus=True,
                      search_description="查找身边的精神障碍社区康复服务机构",
                      intro="<p>已对外公开的精神障碍社区康复服务机构，可按地区、机构类别和服务项目查询。</p>")
    child(home, PriceIndexPage, "jiage", title="价格公示", show_in_menus=True,
          search_description="各机构服务项目价格与调价记录",
          intro="<p>各机构的收费项目、价格、价格管理形式和收费依据。价格调整保留调价记录。价格投诉请拨打 12315。</p>")
    supervision = child(home, SupervisionPage, "jiandu", title="监督渠道", show_in_menus=True, region=anshan,
                        search_description="监督电话与在线反映",
                        intro="<p>对精神障碍社区康复服务有意见或建议，可拨打监督电话，或在线留言。</p>")
    policies = child(home, PolicyIndexPage, "zhengce", title="政策文件", show_in_menus=True,
                     search_description="精康融合行动相关政策文件",
                     intro="<p>国家和各地关于精神障碍社区康复服务和“精康融合行动”的政策文件。</p>")
    load_policies(policies)
    outreach = child(home, OutreachIndexPage, "xuanchuan", title="宣传与反歧视", show_in_menus=True,
                     search_description="正面宣传、消除病耻感，活动与知识",
                     intro="<p>关爱精神障碍患者，消除歧视与病耻感。这里发布宣传文章、公益活动和心理健康知识。</p>")
    load_outreach(outreach)
    cases = child(home, CaseIndexPage, "anli", title="优秀案例", show_in_menus=True,
                  search_description="各地精康融合行动优秀案例",
                  intro="<p>各地征集、逐级审核后发布的“精康融合行动”优秀案例，按年度汇集。</p>")
    load_cases(cases)
    if anshan is not None:
        child(home, JointMeetingPage, "lianxi", title="联席会议与任务分工", show_in_menus=True, region=anshan,
              search_description="联席会议机制组成与任务分工",
              intro="<p>鞍山市“精康融合行动”联席会议机制的组成、职责和任务分工（附件2、附件3）。</p>")
        child(home, ProgressPage, "jinzhan", title="工作进展", show_in_menus=True, region=anshan,
              search_description="覆盖率与规范服务率年度进展",
              intro="<p>开展精神障碍社区康复服务的县（市、区）覆盖率和登记康复对象接受规范服务率，与年度目标对照。</p>")
    load_forms(home)
    child(home, StandardPage, "guanyu", title="关于本站", intro="本站为精康融合行动服务平台的演示站点。",
          body=[heading("关于本站"), paragraph(
              "本站集中发布精神障碍社区康复服务机构、价格、监督渠道、政策文件和工作进展信息。"
              "站内机构、价格、留言、案例和宣传内容中标注“示例”的均为演示数据。")])
    load_hotlines()
    load_prices()
    load_messages()
    load_review_workflow(cases)
    load_page_permissions(home, cases)
    return directory, supervision


def load_identity(site):
    identity = SiteIdentity.for_site(site)
    if not identity.organiser:
        identity.organiser = "鞍山市民政局（演示）"
        identity.operator = "鞍山市民政局社会事务科（演示）"
        identity.address = "辽宁省鞍山市（示例地址）"
        identity.phone = "12345"
        identity.site_id_code = "0000000000"
        identity.icp_number = "辽ICP备00000000号（演示）"
        identity.police_number = "辽公网安备00000000000000号（演示）"
        identity.save()


# The five seed documents: file, title, 文号, 发文机关, 成文日期, 发布(印发)日期, region code, 效力状态.
# The dates are the documents' own: 吉民发〔2018〕70号 carries only "2018年12月12日印发"
# (the seeds' README dates it 2018-12-12 too), so that day is both; the 鞍山 draft is undated.
POLICIES = [
    ("000_469bc84535055b8b.txt", "关于印发《“精康融合行动”实施方案》的通知", "吉民发〔2023〕40号",
     "吉林省民政厅 吉林省财政厅 吉林省卫生健康委 吉林省残疾人联合会", datetime.date(2023, 7, 19), None, "220000",
     PolicyStatus.VALID),
    ("001_383ae524bc4580b6.txt", "关于加快精神障碍社区康复服务发展的实施意见", "吉民发〔2018〕70号",
     "吉林省民政厅 吉林省财政厅 吉林省卫生健康委员会 吉林省残疾人联合会", datetime.date(2018, 12, 12),
     datetime.date(2018, 12, 12), "220000", PolicyStatus.VALID),
    ("002_a4bf5289a5b33f0f.txt", "鞍山市“精康融合行动”方案(2023-2025)（征求意见稿）", "",
     "鞍山市民政局", None, None, "210300", PolicyStatus.CONSULTATION),
    ("003_d697f0713c113117.txt", "关于推进本市精神障碍社区康复服务发展的实施意见", "沪民残福发〔2023〕4号",
     "上海市民政局 上海市财政局 上海市卫生健康委员会 上海市公安局 上海市人力资源和社会保障局 上海市残疾人联合会",
     datetime.date(2023, 10, 7), datetime.date(2023, 10, 16), "310000", PolicyStatus.VALID),
    ("004_cf0aeec29d121fb6.txt", "关于印发《如皋市精神障碍社区康复服务项目试点实施方案》的通知", "",
     "如皋市人民政府办公室", datetime.date(2025, 6, 5), datetime.date(2025, 6, 5), "320682", PolicyStatus.VALID),
]


def policy_body(text):
    body = []
    for block in reflow(text):
        if block.kind == "p":
            body.append(paragraph(block.text))
        elif block.kind == "sign":
            # Consecutive 落款 lines (names, then the date) make one block.
            if body and body[-1][0] == "signature":
                body[-1] = ("signature", f"{body[-1][1]}\n{block.text}")
            else:
                body.append(("signature", block.text))
        else:
            body.append(heading(block.text, block.kind))
    return body


def load_policies(index):
    for number, (filename, title, doc_number, issuer, written, published, code, status) in enumerate(POLICIES, start=1):
        text = (SEEDS_DIR / filename).read_text(encoding="utf-8")
        # Posted on the document's own date (发布, else 成文); the undated draft when loaded.
        document_date = published or written
        child(index, PolicyPage, f"policy-{number}", title=title, document_number=doc_number, issuer=issuer,
              written_date=written, published_date=published, region=region(code), body=policy_body(text),
              summary="", status=status, published_at=on_date(document_date) if document_date else None)


OUTREACH = [
    ("youai-shiji", "“有爱市集”走进社区：精神障碍康复者与居民面对面（示例）", OutreachKind.EVENT,
     datetime.date(2025, 9, 20), "如皋市如城街道社区广场（示例）", "activities", ["有爱市集", "社区融合"],
     "如皋市持续开展“有爱市集”活动，为精神障碍患者及家属提供政策咨询、家庭支持、喘息服务和关爱帮扶（示例内容）。",
     ["如皋市精神障碍社区康复服务项目试点实施方案提出，发挥“五社联动”作用，持续开展“有爱市集”活动，为精神障碍患者及家属提供政策咨询、家庭支持、喘息服务、关爱帮扶等服务。",
      "本次市集设置康复作品展销、政策咨询、心理健康义诊和亲子互动等摊位，康复驿站的学员与社区居民一起参与（示例活动信息）。"]),
    ("fanqishi", "消除偏见，从了解开始：精神障碍可防可治（示例）", OutreachKind.ARTICLE,
     datetime.date(2025, 10, 10), "", "anti-stigma", ["反歧视", "病耻感"],
     "精神障碍和其他疾病一样可以治疗和康复。理解与接纳，是康复者回归社会的重要支持（示例内容）。",
     ["精神障碍患者经过规范治疗和社区康复，大多数可以恢复生活自理和社会交往能力。",
      "对康复者多一分理解，少一分偏见：不使用歧视性称呼，不传播未经证实的说法，在就业、就学和社区生活中平等相待。"]),
    ("xinli-zhishi", "家属照护小知识：如何帮助家人坚持服药（示例）", OutreachKind.ARTICLE,
     datetime.date(2025, 8, 5), "", "knowledge", ["家庭支援", "服药训练"],
     "规律服药是防止复发的关键。家属可以从提醒、陪伴和观察三个方面提供帮助（示例内容）。",
     ["与医生保持联系，了解药物的作用和可能的不良反应；用药盒、闹钟等方式帮助按时服药。",
      "发现情绪、睡眠明显变化时，及时联系社区康复机构或精神卫生医疗机构。"]),
    ("jingkang-xuanchuanzhou", "“精康融合行动”宣传周启动（示例）", OutreachKind.CAMPAIGN,
     datetime.date(2025, 10, 8), "鞍山市（示例）", "activities", ["精康融合行动", "公益宣传"],
     "围绕世界精神卫生日，各地开展宣传周活动，普及精神卫生知识，推介社区康复服务（示例内容）。",
     ["宣传周期间，各县（市）区民政、卫健、残联部门联合进社区、进学校、进企业，发放宣传资料，介绍社区康复服务机构和监督电话。"]),
]
CATEGORIES = [("anti-stigma", "反歧视"), ("knowledge", "心理健康知识"), ("activities", "活动与宣传")]


def load_outreach(index):
    categories = {}
    for order, (slug, name) in enumerate(CATEGORIES):
        categories[slug], _ = OutreachCategory.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    for slug, title, kind, date, place, category, tags, summary, paragraphs in OUTREACH:
        if Page.objects.child_of(index).filter(slug=slug).exists():
            continue
        # Published on their own dates, so 宣传与反歧视 is the deliberately idle
        # column of the demo: 报告 → 网站自查 lists it (news columns: two weeks).
        page = live(OutreachPage(slug=slug, title=title, kind=kind, date=date, place=place,
                                 category=categories[category], summary=summary,
                                 body=[paragraph(p) for p in paragraphs], is_sample=True), on_date(date))
        page.tags.add(*tags)
        index.add_child(instance=page)


CASES = [
    ("tiedong-tongban", "同伴支持让康复者走出家门（示例）", "210302", 2025, "同伴支持",
     "铁东区康复驿站组建同伴支持小组，由康复良好的服务对象带领新学员参加小组活动（示例案例，人物均已匿名化）。",
     ["驿站社工对服务对象进行评估，邀请康复稳定、有意愿的服务对象担任同伴支持员，并接受培训。",
      "同伴支持员每周带领两次小组活动，内容包括服药经验分享、生活技能练习和社区参观。"],
     ["参加小组的服务对象出勤率明显提高，多名服务对象开始参加社区志愿服务（示例数据）。"]),
    ("lishan-jiuye", "从日间训练到就业转介（示例）", "210304", 2024, "就业转介",
     "立山区社区康复机构与辅助就业单位合作，为具备就业能力的服务对象提供职业能力训练和岗位转介（示例案例，人物均已匿名化）。",
     ["对有就业意愿的服务对象开展职业能力评估，制定个人康复与就业计划。",
      "与庇护工场、爱心企业签订合作协议，提供见习岗位，社工定期回访。"],
     ["服务对象张某经过半年训练后在合作企业稳定就业（示例）。"]),
]


def load_cases(index):
    for slug, title, code, year, theme, summary, practices, results in CASES:
        place = region(code)
        if place is None or Page.objects.child_of(index).filter(slug=slug).exists():
            continue
        child(index, CasePage, slug, title=title, region=place, year=year, theme=theme, summary=summary,
              practices=[paragraph(p) for p in practices], results=[paragraph(p) for p in results],
              consent_confirmed=True, anonymised_confirmed=True, is_sample=True)


FORMS = [
    ("anli-zhengji", "优秀案例征集（示例表单）", "<p>欢迎各地推荐精康融合行动优秀案例线索。</p>",
     "<p>感谢推荐，我们将与您联系核实。</p>", [
         ("推荐单位", "singleline", True, "", ""), ("所在地区", "singleline", True, "", ""),
         ("案例主题", "dropdown", True, "同伴支持\n就业转介\n家庭支援\n其他", ""),
         ("案例简介", "multiline", True, "", "请勿填写服务对象的姓名、电话等个人信息。"),
         ("联系电话", "singleline", False, "", ""),
     ]),
    ("youai-shiji-baoming", "“有爱市集”志愿者报名（示例表单）", "<p>欢迎报名参加“有爱市集”志愿服务（示例活动）。</p>",
     "<p>报名成功，活动前我们会电话通知您。</p>", [
         ("称呼", "singleline", True, "", ""), ("联系电话", "singleline", True, "", "仅用于活动通知。"),
         ("可参加的时间", "checkboxes", True, "上午\n下午", ""),
         ("我同意主办单位为组织本次活动使用以上信息", "checkbox", True, "", ""),
     ]),
]


def load_forms(home):
    for slug, title, intro, thanks, fields in FORMS:
        if Page.objects.child_of(home).filter(slug=slug).exists():
            continue
        form = FormPage(slug=slug, title=title, intro=intro, thank_you_text=thanks)
        form.form_fields = [
            FormField(sort_order=i, label=label, field_type=kind, required=required, choices=choices, help_text=help_text)
            for i, (label, kind, required, choices, help_text) in enumerate(fields)
        ]
        home.add_child(instance=live(form))


def load_hotlines():
    from portal.registry.models import Department, Region
    from portal.supervision.models import Hotline

    anshan = region(ANSHAN)
    if anshan is None or Hotline.objects.filter(is_sample=True).exists():
        return
    civil = Department.objects.filter(region=anshan, kind__code="civil_affairs").first()
    Hotline.objects.create(region=anshan, department=civil, name="鞍山市民政局精康服务监督电话（示例号码）",
                           number="0412-5550001", hours="工作日 8:30—17:00", official_account="鞍山民政（示例）",
                           is_sample=True)
    for i, county in enumerate(Region.objects.filter(parent=anshan).order_by("code")[:3], start=2):
        Hotline.objects.create(region=county, name=f"{county.name}民政局监督电话（示例号码）",
                               number=f"0412-555000{i}", hours="工作日 8:30—16:30", is_sample=True, sort_order=i)


PRICE_ITEMS = [
    # name, content, unit, [(charge type, price, form, effective date, note)]
    ("日间康复训练", "服药训练、生活技能训练、社交技能训练（每日 6 小时）", "天",
     [("low_cost", Decimal("20"), "guided", datetime.date(2024, 1, 1), ""),
      ("low_cost", Decimal("25"), "guided", datetime.date(2025, 1, 1), "按物价部门批复调整（示例）")]),
    ("居家康复指导", "康复师上门指导与家属培训", "次",
     [("free", None, "government", datetime.date(2024, 1, 1), "")]),
    ("过渡性住宿", "短期住宿及生活照料", "月",
     [("priced", Decimal("600"), "market", datetime.date(2024, 1, 1), ""),
      ("priced", Decimal("720"), "market", datetime.date(2025, 7, 1), "物价与人工成本上涨（示例）")]),
]


def load_prices():
    from portal.prices.models import PriceItem, PriceVersion
    from portal.registry.models import Institution

    institutions = list(Institution.objects.published().filter(is_sample=True).order_by("pk")[:6])
    for inst in institutions:
        for order, (name, content, unit, versions) in enumerate(PRICE_ITEMS):
            item, created = PriceItem.objects.get_or_create(
                institution=inst, name=name, defaults={"content": content, "unit": unit, "sort_order": order},
            )
            if not created:
                continue
            for charge, price, form, date, note in versions:
                PriceVersion.objects.create(item=item, charge_type=charge, price=price, pricing_form=form,
                                            effective_date=date, note=note, basis="鞍山市价格主管部门批复（示例）")


def load_messages():
    from portal.supervision.models import MessageStatus, SupervisionMessage

    anshan = region(ANSHAN)
    if anshan is None or SupervisionMessage.objects.filter(concerns__endswith=SAMPLE).exists():
        return
    tiedong = region("210302") or anshan
    now = timezone.now()
    SupervisionMessage.objects.create(
        region=tiedong, concerns=f"某康复驿站{SAMPLE}", content="驿站开放时间与公示不一致，周六上午无人（示例留言）。",
        contact_name="王女士（示例）", contact_phone="13800000000", received_at=now - datetime.timedelta(days=40),
    )
    SupervisionMessage.objects.create(
        region=anshan, concerns=f"社区康复服务收费{SAMPLE}", content="想了解日间康复训练的收费标准（示例留言）。",
        received_at=now - datetime.timedelta(days=3), status=MessageStatus.HANDLING,
    )
    SupervisionMessage.objects.create(
        region=anshan, concerns=f"康复服务申请{SAMPLE}", content="家人出院后如何申请社区康复服务？（示例留言）",
        received_at=now - datetime.timedelta(days=20), status=MessageStatus.ANSWERED,
        reply="可向户籍或居住地街道（乡镇）、社区或精神卫生医疗机构提出申请，经评估后转介到就近的社区康复服务机构（示例答复）。",
        publish_qa=True, public_question="家人出院后如何申请社区康复服务？",
    )


def load_review_workflow(cases):
    from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS

    workflow, _ = Workflow.objects.get_or_create(name="优秀案例逐级审核（县→市→省）")
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        for order, (level, group_name, name) in enumerate([
            (ReviewLevel.COUNTY, COUNTY_ADMINS, "县级审核"), (ReviewLevel.CITY, CITY_ADMINS, "市级审核"),
            (ReviewLevel.PROVINCE, PROVINCE_ADMINS, "省级审核"),
        ]):
            task = RegionReviewTask.objects.create(name=name, level=level)
            task.groups.set([Group.objects.get_or_create(name=group_name)[0]])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowPage.objects.update_or_create(page=cases, defaults={"workflow": workflow})
    return workflow


def load_page_permissions(home, cases):
    from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS, PROVINCE_ADMINS

    grants = [
        (EDITORS, home, ("add_page", "change_page", "publish_page")),
        (COUNTY_ADMINS, cases, ("add_page", "change_page")),
        (CITY_ADMINS, cases, ("add_page", "change_page")),
        (PROVINCE_ADMINS, cases, ("add_page", "change_page", "publish_page")),
    ]
    from django.contrib.auth.models import Permission

    for group_name, page, codenames in grants:
        group, _ = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)

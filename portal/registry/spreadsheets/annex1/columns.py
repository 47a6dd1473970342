"""The Annex 1 column table (附件1 精康服务机构基本情况统计表): the one statement of what
each column means. The reader finds these columns by their header text, the
writer lays the form out from them, the diff compares their fields.
"""

import re
import unicodedata

from ...models import Institution, InstitutionCategory, OwnerDepartment
from ..layout import Column
from ..reader import CellError, clean_text
from ..widgets import CountWidget, MarkWidget, TextWidget

OWNER_GROUP = "所属部门"
CATEGORY_GROUP = "机构类别"
STAFF_GROUP = "人员情况"
SERVICE_GROUP = "服务情况"
GROUPS = (OWNER_GROUP, CATEGORY_GROUP, STAFF_GROUP, SERVICE_GROUP)

MAX_LENGTHS = {f: Institution._meta.get_field(f).max_length for f in ("name", "address", "contact_person", "contact_phone")}


class CountyWidget(TextWidget):
    """The county cell: resolved against the region tree by the row reader (it needs the user)."""


class ContactWidget(TextWidget):
    """"张三 0412-1234567" in one cell → (person, phone)."""

    def clean(self, value, row=None, **kwargs):
        person, phone = split_contact(clean_text(value))
        if len(person) > MAX_LENGTHS["contact_person"]:
            raise CellError(f"联系人超过 {MAX_LENGTHS['contact_person']} 个字", "只填写联系人姓名和电话")
        if len(phone) > MAX_LENGTHS["contact_phone"]:
            raise CellError(f"联系电话超过 {MAX_LENGTHS['contact_phone']} 个字", "只填写一个联系电话")
        return person, phone

    def render(self, value, obj=None, **kwargs):
        return join_contact(*value) if value else ""


COUNT = CountWidget()
MARK = MarkWidget()

COLUMNS = [
    Column("seq", "序号", None, width=6, aliases=("编号",)),
    Column("name", "机构全称", TextWidget(MAX_LENGTHS["name"], required=True, label="机构全称"), "name",
           width=32, aliases=("机构名称", "名称"), optional=False),
    Column("address", "机构地址", TextWidget(MAX_LENGTHS["address"]), "address", width=30, aliases=("地址", "详细地址")),
    Column("county", "所在县(市、区)", CountyWidget(), "county_id", width=14,
           aliases=("所在县市区", "所在县区", "县(市、区)", "县市区", "所在县", "所属县区")),
    *(Column(f"owner_{c.value}", c.label, MARK, "owner_department", OWNER_GROUP, c.value, 6, optional=False)
      for c in OwnerDepartment),
    *(Column(f"category_{c.value}", c.label, MARK, "category", CATEGORY_GROUP, c.value, w, optional=False)
      for c, w in zip(InstitutionCategory, (6, 12, 12, 12))),
    Column("psychiatrists", "精神科医生", COUNT, "psychiatrists", STAFF_GROUP, width=8),
    Column("therapists", "康复治疗师", COUNT, "therapists", STAFF_GROUP, width=8),
    Column("counsellors", "心理咨询师", COUNT, "counsellors", STAFF_GROUP, width=8),
    Column("social_workers", "社会工作者", COUNT, "social_workers", STAFF_GROUP, width=8),
    Column("other_staff", "其他工作人员", COUNT, "other_staff", STAFF_GROUP, width=8),
    Column("clients_count", "患者人数", COUNT, "clients_count", SERVICE_GROUP, width=8),
    Column("service_visits", "服务人次", COUNT, "service_visits", SERVICE_GROUP, width=9),
    Column("contact", "联系人及联系方式", ContactWidget(), "", width=24,
           aliases=("联系人及电话", "联系人及联系电话", "联系人和联系方式")),
    # Some offices split the contact into two columns; read, never written.
    Column("contact_person", "联系人", TextWidget(MAX_LENGTHS["contact_person"]), "contact_person", export=False,
           aliases=("填报人",)),
    Column("contact_phone", "联系方式", TextWidget(MAX_LENGTHS["contact_phone"]), "contact_phone", export=False,
           aliases=("联系电话", "电话")),
]
BY_KEY = {c.key: c for c in COLUMNS}
EXPORT_COLUMNS = [c for c in COLUMNS if c.export]

# The Annex 1 fields an import compares and writes, in one fixed order.
FIELDS = (
    "name", "address", "county_id", "owner_department", "category", "psychiatrists", "therapists",
    "counsellors", "social_workers", "other_staff", "clients_count", "service_visits",
    "contact_person", "contact_phone",
)
COUNT_FIELDS = ("psychiatrists", "therapists", "counsellors", "social_workers", "other_staff",
                "clients_count", "service_visits")
FIELD_INDEX = {f: i for i, f in enumerate(FIELDS)}
# A field absent from the file takes the model's default on new rows and is left alone on existing ones.
DEFAULTS = tuple(
    None if f in ("county_id", "owner_department", "category") else Institution._meta.get_field(f).get_default()
    for f in FIELDS
)
FIELD_LABELS = {
    **{f: Institution._meta.get_field(f).verbose_name for f in FIELDS if f != "county_id"},
    "county_id": "所在县(市、区)",
}
OWNER_LABELS = dict(OwnerDepartment.choices)
CATEGORY_LABELS = dict(InstitutionCategory.choices)

NOTES = [
    "注：1.精康服务机构是指民政、卫健、残联所属能够提供精神障碍患者转介和康复服务的精神卫生医疗机构、"
    "民政福利机构、残联康复机构、社区康复站点等。",
    "2.本表由各县(市、区)民政、卫健、残联分别填报，同级民政负责汇总，逐级上报至省民政厅。",
    "3.所属部门、机构类别，在相应表格内填“1”。",
]
SIGNATURE_PARTS = ("填报单位(公章)：", "单位负责人(签字)：", "填报时间：      年    月    日")

BY_LABEL = {}
for _column in COLUMNS:
    for _label in _column.labels():
        BY_LABEL.setdefault(_label, _column)

_PHONE_TAIL = re.compile(r"^(.*?)[\s,，、;；:：/]*((?:[+＋]?\d[\d\-－—\s()（）转]{4,}\d)(?:[\s,，、/]+[+＋]?\d[\d\-－—\s()（）转]{4,}\d)*)$")


def split_contact(text):
    """"张三 0412-1234567" → ("张三", "0412-1234567"); a bare name or number goes to its side."""
    text = text.strip()
    if not text:
        return "", ""
    match = _PHONE_TAIL.match(text)  # \d also matches full-width digits
    if match:
        return match[1].strip(), unicodedata.normalize("NFKC", match[2]).strip()
    return text, ""


def join_contact(person, phone):
    return " ".join(x for x in (person, phone) if x)


def title_for(region):
    if region is None:
        return "精康服务机构基本情况统计表"
    return f"{region.name}精康服务机构基本情况统计表"


def display(field, value, county_names=None):
    """A field's value as the preview shows it (choices and counties by name)."""
    if field == "owner_department":
        return OWNER_LABELS.get(value, value)
    if field == "category":
        return CATEGORY_LABELS.get(value, value)
    if field == "county_id":
        return (county_names or {}).get(value, value)
    return value

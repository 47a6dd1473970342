"""Annex 1 files built by hand with openpyxl, the way offices fill them in."""

import csv
import io

import openpyxl
import pytest

from portal.registry.models import Institution

TITLE = "鞍山市精康服务机构基本情况统计表"
SINGLE = ["序号", "机构全称", "机构地址", "所在\n县(市、区)"]
GROUPS = [
    ("所属部门", ["民政", "卫健", "残联"]),
    ("机构类别", ["医院", "社区康复服务机构", "基层卫生医疗机构", "残联康复服务机构"]),
    ("人员情况", ["精神科医生", "康复治疗师", "心理咨询师", "社会工作者", "其他工作人员"]),
    ("服务情况", ["患者人数", "服务人次"]),
]
CONTACT = "联系人及 联系方式"
NOTES = ["注：1.精康服务机构是指……", "2.本表由各县(市、区)民政、卫健、残联分别填报……", "3.所属部门、机构类别，在相应表格内填“1”。"]


def row(name, county="铁东区", owner="民政", category="社区康复服务机构", staff=(1, 2, 0, 3, 1),
        clients=10, visits=120, contact="王五 0412-5550000", address="鞍山市铁东区某路1号", seq=1, mark=1):
    """One Annex 1 data row as a list of cells, in the form's column order."""
    owners = [mark if o == owner else None for o in ("民政", "卫健", "残联")]
    categories = [mark if c == category else None for c in GROUPS[1][1]]
    return [seq, name, address, county, *owners, *categories, *staff, clients, visits, contact]


def header_rows(extra=()):
    top, sub = list(SINGLE), [None] * len(SINGLE)
    for group, subs in GROUPS:
        top += [group] + [None] * (len(subs) - 1)
        sub += subs
    top.append(CONTACT)
    sub.append(None)
    for name in extra:
        top.append(name)
        sub.append(None)
    return top, sub


def build_annex1(path, rows, *, extra_columns=(), total=None, notes=True, blank_rows_at=(), sheet_title="附件1"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet_title
    top, sub = header_rows(extra_columns)
    ws.append([TITLE])
    ws.append(["填报单位(公章)：", None, None, None, None, "单位负责人(签字)：", None, None, None, None, "填报时间： 年 月 日"])
    ws.append(top)
    ws.append(sub)
    ws.merge_cells("A1:S1")
    for col in "ABCD":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:G3")
    ws.merge_cells("H3:K3")
    ws.merge_cells("L3:P3")
    ws.merge_cells("Q3:R3")
    for i, values in enumerate(rows):
        if i in blank_rows_at:
            ws.append([])
        ws.append(list(values))
    if total is not None:
        ws.append(["合计", None, None, None, None, None, None, None, None, None, None, *total])
    if notes:
        for note in NOTES:
            ws.append([note])
    book.save(path)
    return path


def build_csv(path, rows, encoding="utf-8", bom=False):
    top, sub = header_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([TITLE])
    writer.writerow(top)
    writer.writerow(sub)
    for values in rows:
        writer.writerow(["" if v is None else v for v in values])
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def snapshot():
    """Every Annex 1 value of every institution: the database 'exactly as before'."""
    fields = ["county_id", "name", "address", "owner_department", "category", "psychiatrists", "therapists",
              "counsellors", "social_workers", "other_staff", "clients_count", "service_visits",
              "contact_person", "contact_phone", "updated_at"]
    return sorted(Institution.objects.values_list(*fields))


@pytest.fixture
def anshan(demo_data):
    from portal.registry.models import Region

    return Region.objects.get(code="210300")


@pytest.fixture
def tiedong(demo_data):
    from portal.registry.models import Region

    return Region.objects.get(code="210302")

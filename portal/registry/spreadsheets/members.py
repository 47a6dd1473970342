"""Annex 2 (联席会议机制成员及办公室成员名单): joint-meeting members, both ways.

Rows match on (role, name) within the meeting of the chosen region; the row
order becomes the members' order. Phones are written only for users allowed
to see them (see ``can_see_phones``).
"""

from django.db import transaction

from ..models import JointMeeting, JointMeetingMember, MemberRole, Region
from . import changeset as cs
from ..signals import bulk_written
from .journal import OrmJournal
from .layout import Column, OrmLayout, register
from .reader import CellError, Problem, Refused, check_length, clean_text, locate_header, normalise_header
from .writer import CENTRE, HEADER_FONT, TITLE_FONT, SheetWriter, new_book

KIND = "members"
LABEL = "联席会议成员"
MODEL = JointMeetingMember


COLUMNS = [
    Column("seq", "序号", width=6),
    Column("role", "类别", field="role", width=12, aliases=("职务类别", "身份", "角色"), optional=False),
    Column("name", "姓名", field="name", width=12, optional=False),
    Column("organisation", "单位", field="organisation", width=24, aliases=("工作单位", "所在单位"), optional=False),
    Column("position", "职务", field="position", width=24, aliases=("职位",)),
    Column("phone", "联系电话", field="phone", width=18, aliases=("电话", "手机", "联系方式"), staff_only=True),
]
_BY_LABEL = {label: c for c in COLUMNS for label in c.labels()}
ROLE_BY_LABEL = {normalise_header(label): value for value, label in MemberRole.choices}
ROLE_BY_LABEL.update({"主任": MemberRole.OFFICE_DIRECTOR, "办公室副主任": MemberRole.OFFICE_MEMBER})
ROLE_LABELS = dict(MemberRole.choices)
FIELDS = ("organisation", "position", "phone", "sort_order")
FIELD_LABELS = {f: JointMeetingMember._meta.get_field(f).verbose_name for f in FIELDS}
MAX_LENGTHS = {f: JointMeetingMember._meta.get_field(f).max_length for f in ("name", "organisation", "position", "phone")}


def can_see_phones(user):
    """Members' phones are staff-only: only users who may edit members see them in exports.

    ``None`` is the command line run by the server's operator.
    """
    return user is None or user.has_perm("registry.change_jointmeetingmember")


def title_for(region):
    return f"{region.name if region else ''}“精康融合行动”联席会议机制成员及办公室成员名单"


def read_changes(table, user, region, delete_missing=False, progress=None):
    if region is None:
        raise Refused("导入联席会议成员时必须指定区划（命令行使用 --region 区划代码）。")
    sheet = table.sheets[0] if table.sheets else None
    if sheet is None:
        raise Refused("文件中没有工作表。")
    rows = sheet.rows()
    header_row, positions = locate_header(rows, _BY_LABEL, ("姓名",))
    if positions is None:
        raise Refused(f"工作表“{sheet.name}”的前 20 行没有表头“姓名”。请使用附件2的格式：序号、类别、姓名、单位、职务。")
    missing = [c.header for c in COLUMNS if not c.optional and c.key not in positions]
    if missing:
        raise Refused("表格缺少以下列：" + "、".join(missing) + "。")
    result = cs.ChangeSet(kind=KIND, sheet=sheet.name)
    has_phone = "phone" in positions
    role = None
    seen = {}
    order = 0

    def cell(values, key):
        i = positions.get(key)
        return values[i] if i is not None and i < len(values) else None

    for number, values in rows:
        first = clean_text(cell(values, "seq")) if "seq" in positions else ""
        if first.startswith(("注", "说明")):
            break
        problems = []
        data = {}
        raw_role = cell(values, "role")
        try:
            role_text = normalise_header(clean_text(raw_role)).rstrip(":：")
            if role_text:
                if role_text not in ROLE_BY_LABEL:
                    raise CellError("类别无法识别", "填写召集人、成员、办公室主任、办公室成员或联络员")
                role = ROLE_BY_LABEL[role_text]
            elif role is None:
                raise CellError("类别为空", "在第一位成员的类别格填写召集人、成员、办公室主任等（下方同类别可留空）")
        except CellError as exc:
            problems.append(Problem(sheet.name, number, "类别", raw_role, exc.problem, exc.fix))
        for key, header in (("name", "姓名"), ("organisation", "单位"), ("position", "职务"), ("phone", "联系电话")):
            if key == "phone" and not has_phone or key == "position" and "position" not in positions:
                continue
            raw = cell(values, key)
            try:
                text = clean_text(raw)
                if key == "name":
                    text = "".join(text.split())  # "张  欣": padding inside names
                if key in ("name", "organisation") and not text:
                    raise CellError(f"{header}为空", f"填写{header}")
                data[key] = check_length(text, MAX_LENGTHS[key])
            except CellError as exc:
                problems.append(Problem(sheet.name, number, header, raw, exc.problem, exc.fix))
        name = data.get("name", "")
        if not problems:
            key = (role, name)
            if key in seen:
                problems.append(Problem(sheet.name, number, "姓名", name, f"与第 {seen[key]} 行重复（同一类别下姓名不能重复）", "删除重复的一行"))
            seen[key] = number
        if problems:
            result.add(cs.RowChange(sheet.name, number, cs.ERROR, name or "（无姓名）", problems=problems))
            continue
        data["sort_order"] = order
        order += 1
        result.add(cs.RowChange(sheet.name, number, cs.NEW, f"{ROLE_LABELS[role]} {name}", pending=((role, name), data)))
    result.context.update({"region_id": region.pk, "has_phone": has_phone, "header_row": header_row})
    _diff(result, region, has_phone, delete_missing)
    return result


def _diff(result, region, has_phone, delete_missing):
    meeting = JointMeeting.objects.filter(region=region).first()
    existing = {}
    if meeting is not None:
        existing = {(m.role, m.name): m for m in meeting.members.all()}
    fields = [f for f in FIELDS if f != "phone" or has_phone]
    for row in result.rows:
        if row.status == cs.ERROR:
            continue
        key, data = row.pending
        member = existing.get(key)
        if member is None:
            continue
        changes = [(FIELD_LABELS[f], getattr(member, f), data[f]) for f in fields if getattr(member, f) != data[f]]
        changes = [c for c in changes if c[0] != FIELD_LABELS["sort_order"]] or changes
        row.status = cs.CHANGED if any(getattr(member, f) != data[f] for f in fields) else cs.UNCHANGED
        row.changes = changes if row.status == cs.CHANGED else []
        row.pending = (key, data, member.pk)
    if delete_missing and result.ok:
        in_file = {r.pending[0] for r in result.rows}
        for key, member in existing.items():
            if key not in in_file:
                result.add(cs.RowChange(result.sheet, None, cs.DELETED, f"{ROLE_LABELS.get(key[0], key[0])} {key[1]}",
                                       pending=(key, None, member.pk)))


def apply_changes(result, valid_only=False, publish_new=False):
    """Write the rows (inside the caller's transaction); return the undo journal."""
    region = Region.objects.get(pk=result.context["region_id"])
    journal = OrmJournal(lambda m: f"{ROLE_LABELS.get(m.role, m.role)} {m.name}")
    with transaction.atomic():
        meeting, meeting_created = JointMeeting.objects.get_or_create(region=region)
        new = [JointMeetingMember(meeting=meeting, role=r.pending[0][0], **r.pending[1])
               for r in result.rows if r.status == cs.NEW]
        JointMeetingMember.objects.bulk_create(new)
        journal.created_records(new)
        changed = {r.pending[2]: r.pending[1] for r in result.rows if r.status == cs.CHANGED}
        if changed:
            objs = list(JointMeetingMember.objects.filter(pk__in=changed))
            before = {obj.pk: journal.before(obj) for obj in objs}
            for obj in objs:
                for field in FIELDS:
                    if field in changed[obj.pk]:
                        setattr(obj, field, changed[obj.pk][field])
            fields = [f for f in FIELDS if f != "phone" or result.context["has_phone"]]
            JointMeetingMember.objects.bulk_update(objs, fields)
            for obj in objs:
                journal.changed_record(before[obj.pk], [obj])
        deleted = [r.pending[2] for r in result.rows if r.status == cs.DELETED]
        for member in JointMeetingMember.objects.filter(pk__in=deleted):
            journal.deleting(member)
            member.delete()
        if meeting_created:  # after its members, so undo removes them first
            journal.created_records([meeting])
        if new or changed:
            bulk_written.send(sender=JointMeetingMember, keys=None)
    return journal.as_dict()


class MembersLayout(OrmLayout):
    kind = KIND
    label = LABEL
    form_label = "联席会议成员（附件2）"
    model = JointMeetingMember
    columns = COLUMNS
    match_key = ("role", "name")
    listing_url_name = "registry_jointmeetingmember_modeladmin_index"
    template_filename = "附件2-联席会议机制成员名单（模板）.xlsx"
    needs_region = True


def write(book, queryset, region, user, blank=False):
    with_phone = can_see_phones(user)
    columns = [c for c in COLUMNS if with_phone or not c.staff_only]
    meetings = {}
    if not blank:
        for member in queryset.select_related("meeting__region").order_by("meeting__region__path", "sort_order", "pk"):
            meetings.setdefault(member.meeting, []).append(member)
    if not meetings:
        meetings = {None: []}
    total = 0
    for meeting, people in meetings.items():
        meeting_region = meeting.region if meeting else region
        sheet = SheetWriter(book, meeting_region.name if meeting_region else "附件2", [c.width for c in columns])
        sheet.merge(1, 1, 1, len(columns))
        sheet.row([title_for(meeting_region)] + [None] * (len(columns) - 1), font=TITLE_FONT, alignment=CENTRE,
                  border=False, height=32)
        sheet.row([c.header for c in columns], font=HEADER_FONT, alignment=CENTRE, height=22)
        sheet.freeze_below(2)
        sheet.print_setup((2, 2))
        for seq, m in enumerate(people, start=1):
            values = {"seq": seq, "role": ROLE_LABELS.get(m.role, m.role), "name": m.name,
                      "organisation": m.organisation, "position": m.position, "phone": m.phone}
            sheet.row([values[c.key] for c in columns])
            total += 1
    return total


def export(queryset, region, user):
    book = new_book()
    return book, write(book, queryset, region, user)


def template():
    book = new_book()
    write(book, None, None, None, blank=True)
    return book


MembersLayout.read_changes = staticmethod(read_changes)
MembersLayout.apply_changes = staticmethod(apply_changes)
MembersLayout.export_book = staticmethod(export)
MembersLayout.blank_book = staticmethod(template)
LAYOUT = register(MembersLayout())

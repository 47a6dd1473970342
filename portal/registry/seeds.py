"""Read the demo facts out of the seed documents in fixtures/seeds/.

The Anshan plan (002_…) carries the 29-task responsibility table, Annex 2
(the joint-meeting members) and Annex 3 (their duties). Parsing the text
keeps the demo data verbatim; the tests pin the facts that matter.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .models.tasks import CHINESE_NUMERALS

SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
ANSHAN_PLAN = "002_a4bf5289a5b33f0f.txt"

_ACTION_RE = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")
_GROUP_RE = re.compile(r"^(\d{1,2})[.．、]\s*(.+)$")
_TASK_RE = re.compile(r"^[(（](\d{1,2})[)）]\s*(.+)$")
_DEPTS_RE = re.compile(r"^责任部门[：:]\s*(.+)$")
_DEADLINE_RE = re.compile(r"^完成时限[：:]\s*(.+)$")


def _numeral_value(numeral):
    """一 → 1 … 十 → 10, 十一 → 11: the inverse of models.tasks.chinese_numeral."""
    if len(numeral) == 1:
        return CHINESE_NUMERALS.index(numeral) + 1
    return 10 + CHINESE_NUMERALS.index(numeral[-1]) + 1


def read_seed(name):
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


@dataclass
class SeedTask:
    action_number: int
    action_title: str
    group_number: int
    group_title: str
    number: int
    text: str
    scope: str = ""
    departments: list = field(default_factory=list)
    deadline_text: str = ""


def split_departments(raw):
    """"各级民政、卫健、残联（位于…下同）" → ("各级", ["民政", "卫健", "残联"])."""
    raw = re.sub(r"[(（].*?[)）]", "", raw).strip()
    scope = ""
    for prefix in ("各级", "市本级", "省级", "市级", "县级"):
        if raw.startswith(prefix):
            scope, raw = prefix, raw[len(prefix):]
            break
    names = [part.strip() for part in re.split(r"[、,，]", raw) if part.strip()]
    return scope, names


def parse_tasks(text):
    """The task table of a plan written as (一) action / 1. group / (1) task lines."""
    body = text.split("二、重点任务", 1)[1].split("三、保障措施", 1)[0]
    tasks = []
    action = (0, "")
    group = (0, "")
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            continue
        if m := _DEPTS_RE.match(line):
            tasks[-1].scope, tasks[-1].departments = split_departments(m[1])
        elif m := _DEADLINE_RE.match(line):
            tasks[-1].deadline_text = m[1].strip()
        elif m := _TASK_RE.match(line):
            tasks.append(SeedTask(action[0], action[1], group[0], group[1], int(m[1]), m[2].strip()))
        elif m := _ACTION_RE.match(line):
            action = (_numeral_value(m[1]), m[2].strip())
        elif m := _GROUP_RE.match(line):
            group = (int(m[1]), m[2].strip())
    return tasks


@dataclass
class SeedMember:
    role: str  # a MemberRole value
    name: str
    organisation: str
    position: str


# Longest first, so "市卫生健康委" wins over a shorter prefix.
KNOWN_ORGANISATIONS = sorted(
    ["市民政局", "市财政局", "市卫生健康委", "市残疾人联合会", "市残联"], key=len, reverse=True,
)


def _split_post(post):
    for org in KNOWN_ORGANISATIONS:
        if post.startswith(org):
            return org, post[len(org):]
    return post, ""


def parse_joint_meeting(text):
    """Annex 2: returns (office_seat, [SeedMember…]) in the order listed."""
    annex = text.split("联席会议机制成员名单", 1)[1].split("附件3", 1)[0]
    members, office, seat = [], False, ""
    role = None
    for line in (line.strip() for line in annex.splitlines()):
        if not line:
            continue
        if line.startswith("联席会议机制下设办公室"):
            office = True
            if m := re.search(r"设在(.+)$", line):
                seat = m[1].strip()
            continue
        m = re.match(r"^([^：:]+)[：:]\s*(.+)$", line)
        if m:
            label = re.sub(r"\s+", "", m[1])
            rest = m[2]
            role = {
                ("召集人", False): "convener", ("成员", False): "member",
                ("主任", True): "office_director", ("成员", True): "office_member",
            }[(label, office)]
        else:
            rest = line
            if role in ("convener", "office_director"):
                role = "office_member" if office else "member"
        # "张  欣    市财政局副局长": the name may itself contain padding spaces.
        parts = re.split(r"\s{3,}|\t+", rest.strip(), maxsplit=1)
        if len(parts) != 2:
            parts = rest.strip().rsplit(None, 1)
        name = re.sub(r"\s+", "", parts[0])
        organisation, position = _split_post(parts[1].strip())
        members.append(SeedMember(role, name, organisation, position))
    return seat, members


def parse_duties(text):
    """Annex 3: (meeting duties, office duties, [(organisation, duty text)…])."""
    annex = text.split("联席会议机制工作职责", 1)[1]
    sections = re.split(r"^[一二三]、.*$", annex, flags=re.M)
    meeting = sections[1].strip()
    office = sections[2].strip()
    duties = []
    for line in sections[3].splitlines():
        line = line.strip()
        if m := re.match(r"^[(（][一二三四五六七八九十]+[)）](市[^负]+?)负责(.+)$", line):
            duties.append((m[1], "负责" + m[2]))
    return meeting, office, duties

"""The joint-meeting mechanism (联席会议机制): Annex 2 members and Annex 3 duties."""

from django.db import models

from .departments import Department
from .regions import Region
from .scoping import RegionScopedQuerySet


class JointMeeting(models.Model):
    region = models.OneToOneField(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="joint_meeting")
    name = models.CharField("名称", max_length=100, default="“精康融合行动”联席会议机制")
    office_seat = models.CharField("办公室设在", max_length=100, blank=True, help_text="如：市民政局")
    meeting_duties = models.TextField("联席会议机制工作职责", blank=True)
    office_duties = models.TextField("联席会议机制办公室工作职责", blank=True)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "联席会议机制"
        verbose_name_plural = "联席会议机制"
        ordering = ["region__path"]

    def __str__(self):
        return f"{self.region.name}{self.name}"


class MemberRole(models.TextChoices):
    CONVENER = "convener", "召集人"
    MEMBER = "member", "成员"
    OFFICE_DIRECTOR = "office_director", "办公室主任"
    OFFICE_MEMBER = "office_member", "办公室成员"
    LIAISON = "liaison", "联络员"


OFFICE_ROLES = (MemberRole.OFFICE_DIRECTOR, MemberRole.OFFICE_MEMBER)


class JointMeetingMember(models.Model):
    meeting = models.ForeignKey(JointMeeting, verbose_name="联席会议机制", on_delete=models.CASCADE, related_name="members")
    role = models.CharField("职务类别", max_length=20, choices=MemberRole.choices)
    name = models.CharField("姓名", max_length=50)
    organisation = models.CharField("单位", max_length=100)
    position = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True, help_text="仅工作人员可见，不对外公开。")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "meeting__region"
    staff_only_fields = ("phone",)

    class Meta:
        verbose_name = "联席会议成员"
        verbose_name_plural = "联席会议成员"
        ordering = ["meeting", "sort_order", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    @property
    def is_office(self):
        return self.role in OFFICE_ROLES


class DepartmentDuty(models.Model):
    """Annex 3 部门工作职责: what one member department does."""

    meeting = models.ForeignKey(JointMeeting, verbose_name="联席会议机制", on_delete=models.CASCADE, related_name="department_duties")
    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="duties")
    text = models.TextField("职责")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "meeting__region"

    class Meta:
        verbose_name = "部门工作职责"
        verbose_name_plural = "部门工作职责"
        ordering = ["meeting", "sort_order", "pk"]

    def __str__(self):
        return f"{self.department}：{self.text[:20]}"

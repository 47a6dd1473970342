from .departments import Department, DepartmentKind
from .institutions import (
    FacilityType,
    Institution,
    InstitutionCategory,
    OperationMode,
    OwnerDepartment,
    ServiceItem,
)
from .imports import ImportRecord, SpreadsheetKind
from .meetings import DepartmentDuty, JointMeeting, JointMeetingMember, MemberRole
from .progress import CountyReport, CoverageUnit, Half, Target
from .regions import Region, RegionAssignment, RegionLevel
from .scoping import RegionScopedQuerySet
from .tasks import ActionPlan, Task, TaskProgress, TaskResponsibility, TaskStatus, parse_deadline

__all__ = [
    "ActionPlan", "CountyReport", "CoverageUnit", "Department", "DepartmentDuty", "DepartmentKind",
    "FacilityType", "Half", "ImportRecord", "Institution", "InstitutionCategory", "JointMeeting", "JointMeetingMember",
    "MemberRole", "OperationMode", "OwnerDepartment", "Region", "RegionAssignment", "RegionLevel", "RegionScopedQuerySet",
    "ServiceItem", "SpreadsheetKind", "Target", "Task", "TaskProgress", "TaskResponsibility", "TaskStatus", "parse_deadline",
]

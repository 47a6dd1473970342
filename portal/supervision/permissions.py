from portal.pages.group_permissions import grant
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS, PROVINCE_ADMINS

HANDLE = ("view", "change")
ALL = ("add", "change", "delete", "view")

PER_GROUP = {
    PROVINCE_ADMINS: {"hotline": ALL, "supervisionmessage": HANDLE},
    CITY_ADMINS: {"hotline": ALL, "supervisionmessage": HANDLE},
    COUNTY_ADMINS: {"hotline": ALL, "supervisionmessage": HANDLE},
    EDITORS: {"hotline": ("view",)},
}


def grant_group_permissions(sender=None, **kwargs):
    grant("supervision", PER_GROUP, sender)

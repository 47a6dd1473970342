from portal.pages.group_permissions import grant
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS, PROVINCE_ADMINS

ALL = ("add", "change", "delete", "view")
# Versions are never edited: a new price is a new version.
VERSIONS = ("add", "view")

PER_GROUP = {
    PROVINCE_ADMINS: {"priceitem": ALL, "priceversion": VERSIONS},
    CITY_ADMINS: {"priceitem": ALL, "priceversion": VERSIONS},
    COUNTY_ADMINS: {"priceitem": ALL, "priceversion": VERSIONS},
    EDITORS: {"priceitem": ("view",), "priceversion": ("view",)},
}


def grant_group_permissions(sender=None, **kwargs):
    grant("prices", PER_GROUP, sender)

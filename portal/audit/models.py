"""The audit trail of region-scoped records, kept in Wagtail's own log.

Every model with a ``region_lookup`` (the registries, supervision messages,
hotlines …) logs into RegionLogEntry instead of Wagtail's ModelLogEntry
(registered in wagtail_hooks.py). The entry remembers the record's region
when it was written, so a deleted record's trail stays scoped, and Wagtail's
own reports (站点历史) show each user only the entries of their regions.
"""

from django.contrib.auth.models import Permission
from django.db import models
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager

from portal.registry import access


class RegionLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        # An import or export may name the region it covers; otherwise the record's own.
        region = kwargs.pop("region", None) or access.region_of(instance)
        kwargs.update(
            object_id=str(instance.pk),
            region_path=getattr(region, "path", "") or "",
            region_name=getattr(region, "name", "") or "",
        )
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )

    def viewable_by_user(self, user):
        """Entries of models the user has any permission on, in the user's regions.

        Wagtail's own implementation caches the allowed content types on the
        user from whichever log model asks first, which hides these entries
        in the site history; so the check is done here, cached separately.
        """
        if user.is_superuser:
            return self.all()
        allowed = getattr(user, "_audit_content_type_ids", None)
        if allowed is None:
            used = self.values_list("content_type_id", flat=True).distinct()
            allowed = set()
            for permission in Permission.objects.filter(content_type_id__in=used).select_related("content_type"):
                if permission.content_type_id not in allowed and user.has_perm(
                    f"{permission.content_type.app_label}.{permission.codename}"
                ):
                    allowed.add(permission.content_type_id)
            user._audit_content_type_ids = allowed
        return self.filter(content_type_id__in=allowed).filter(access.region_q(user, self.model))


class RegionLogEntry(BaseLogEntry):
    object_id = models.CharField(max_length=255, db_index=True)
    region_path = models.CharField("区划路径", max_length=255, blank=True, db_index=True)
    region_name = models.CharField("所属区划", max_length=100, blank=True)

    objects = RegionLogEntryManager()

    # The region is kept as the path it had when the entry was written.
    region_path_field = "region_path"

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "登记操作日志"
        verbose_name_plural = "登记操作日志"

    def __str__(self):
        return f"RegionLogEntry {self.pk}: {self.action} on {self.object_verbose_name} {self.object_id}"

    @property
    def changes(self):
        return (self.data or {}).get("changes") or []

    @property
    def snapshot(self):
        return (self.data or {}).get("snapshot") or []

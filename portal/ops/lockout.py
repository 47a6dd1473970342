"""Login lockout: django-axes' database handler plus one counter per address.

- Account and address together (AXES_LOCKOUT_PARAMETERS = [["username",
  "ip_address"]]): AXES_FAILURE_LIMIT wrong passwords for one account from
  one address lock that pair. A stranger elsewhere cannot lock an
  administrator out, and a successful login resets only its own pair.
- The address alone, across all user names: AXES_IP_FAILURE_LIMIT failures
  within AXES_COOLOFF_TIME lock the address. django-axes counts every
  parameter against the one AXES_FAILURE_LIMIT and a successful login
  deletes the address's records, so this counter is ours: in the cache,
  keyed by the client address (portal/ops/ratelimit.py), and a successful
  login does not reset it, so an insider cannot spray passwords between
  their own logins.

Unlocking (the admin's 登录锁定, ``axes_reset_ip``, ``axes_reset``) goes
through ``reset_attempts``, which clears the address counter too.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache

from .ratelimit import ClientCounter

GENERATION_KEY = "lockout:generation"  # bumped to reset every address at once


def address_failures(request=None):
    cool_off = get_cool_off(request)
    window = cool_off.total_seconds() if cool_off else 24 * 3600
    generation = cache.get_or_set(GENERATION_KEY, 0, None)
    return ClientCounter(f"login-failures:{generation}", window)


class PortalAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or (
            address_failures(request).count(request) >= settings.AXES_IP_FAILURE_LIMIT
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or self.is_whitelisted(request, credentials):
            return
        failures = address_failures(request).add(request)
        if failures >= settings.AXES_IP_FAILURE_LIMIT and not request.axes_locked_out:
            # This very attempt answers with the lockout page, as axes does for the pair.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=get_client_username(request, credentials),
                                 ip_address=request.axes_ip_address)

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if ip_address:
            address_failures().reset(ip_address)
        elif not username:
            cache.set(GENERATION_KEY, cache.get_or_set(GENERATION_KEY, 0, None) + 1, None)
        return count

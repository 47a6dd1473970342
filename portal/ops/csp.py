"""Content Security Policy: strict on the public site, relaxed in the admin.

The public site has no inline scripts or styles and loads nothing from
other origins (CONTENT_SECURITY_POLICY in settings). The Wagtail admin
still writes inline styles and a few inline scripts, and its preview shows
the site in a same-origin frame, so under /admin/ (and for the preview
rendered inside it) the policy adds
'unsafe-inline' and blob:/data: where the admin needs them — still no
third-party origin.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

ADMIN_PREFIX = "/admin/"

ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def is_admin_request(request):
    # Wagtail renders a page preview (the editor's preview and 检查 panels) by
    # sending a dummy request for the page's public URL through the middleware;
    # that document is framed by the admin, so it gets the admin's policy.
    return request.path_info.startswith(ADMIN_PREFIX) or getattr(request, "is_dummy", False)


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_request(request):
            return PolicyParts(default_config(ADMIN_DIRECTIVES), parts.update, parts.replace, parts.nonce)
        return parts

"""Media files served by Django when no web server does it (SERVE_MEDIA=1).

Uploaded files come from staff but are served from our own origin, so each
answer forbids content sniffing and script (a sandboxing CSP), and anything
that is not an image is sent as a download.
"""

import mimetypes

from django.conf import settings
from django.views.static import serve

INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "application/pdf"}


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=86400"
    return response

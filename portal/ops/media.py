"""Media files served by Django when no web server does it (SERVE_MEDIA=1).

Uploaded files come from staff but are served from our own origin, so each
answer forbids content sniffing and script (a sandboxing CSP), and anything
that is not an image is sent as a download.

Documents are never served here: a document in a login-restricted
collection must be reached only through Wagtail's serve view
(/documents/<id>/<name>, WAGTAILDOCS_SERVE_METHOD = "serve_view"), which
checks the collection's privacy. The documents folder answers 404.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve
from wagtail.documents import get_document_model

INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "application/pdf"}


def documents_folder():
    return get_document_model()._meta.get_field("file").upload_to.strip("/")


def serve_media(request, path):
    # The same normalisation as django.views.static.serve, so "./", "//" and
    # "x/../" cannot lead into the documents folder.
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised.split("/", 1)[0] == documents_folder():
        raise Http404
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

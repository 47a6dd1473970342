"""Uploads are checked by content; media are served with safe headers."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.conf import settings
from django.test import override_settings
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (158, 27, 27)).save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def upload_document(client, name, data):
    return client.post("/admin/documents/add/", {"title": name, "file": ContentFile(data, name=name), "collection": 1})


def upload_image(client, name, data):
    return client.post("/admin/images/add/", {"title": name, "file": ContentFile(data, name=name), "collection": 1})


@pytest.mark.parametrize("name,data", [("note.pdf", PDF), ("plan.docx", docx_bytes()), ("list.csv", "机构,电话\n示例,12345\n".encode())])
def test_genuine_documents_are_accepted(admin_client, name, data):
    response = upload_document(admin_client, name, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert Document.objects.filter(title=name).exists()


@pytest.mark.parametrize("name,data,message", [
    ("fake.pdf", HTML, "内容不是 PDF"),
    ("fake.docx", PDF, "内容不是该格式的文档"),
    ("page.txt", HTML, "网页"),
    ("drawing.svg", SVG, "不支持"),
    ("page.html", HTML, "不支持"),
])
def test_disguised_or_dangerous_documents_are_refused(admin_client, name, data, message):
    response = upload_document(admin_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1000)
def test_oversized_documents_are_refused(admin_client):
    response = upload_document(admin_client, "big.pdf", PDF + b"0" * 2000)
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_real_images_are_accepted(admin_client):
    response = upload_image(admin_client, "logo.png", png_bytes())
    assert response.status_code == 302
    assert Image.objects.filter(title="logo.png").exists()


@pytest.mark.parametrize("name,data", [("icon.svg", SVG), ("icon.png", SVG), ("photo.jpg", HTML), ("photo.jpg", png_bytes())])
def test_svg_html_and_misnamed_images_are_refused(admin_client, name, data):
    response = upload_image(admin_client, name, data)
    assert response.status_code == 200
    assert not Image.objects.exists()


@pytest.mark.urls("tests.ops.urls")
def test_media_are_served_with_safe_headers(client, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "plan.docx").write_bytes(docx_bytes())
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(png_bytes())
    with override_settings(MEDIA_ROOT=tmp_path):
        document = client.get("/media/other/plan.docx")
        image = client.get("/media/images/logo.png")
        escape = client.get("/media/../../etc/passwd")
    assert document.status_code == 200
    assert document["Content-Disposition"] == "attachment"
    assert document["Content-Type"] == "application/octet-stream"
    for response in (document, image):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert image["Content-Type"] == "image/png"
    assert escape.status_code in (400, 404)


@pytest.mark.urls("tests.ops.urls")
def test_documents_are_reached_only_through_wagtail_which_checks_collection_privacy(client, superuser, tmp_path):
    from wagtail.models import Collection, CollectionViewRestriction

    on_disk = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with override_settings(MEDIA_ROOT=tmp_path, STORAGES=on_disk):
        staff_only = Collection.get_first_root_node().add_child(name="内部资料")
        CollectionViewRestriction.objects.create(collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN)
        document = Document.objects.create(title="内部", file=ContentFile(PDF, name="internal.pdf"), collection=staff_only)
        public = Document.objects.create(title="公开", file=ContentFile(PDF, name="public.pdf"))
        image = Image.objects.create(title="logo", file=ContentFile(png_bytes(), name="logo.png"))
        assert document.file.url == "/media/documents/internal.pdf"
        direct = [
            document.file.url, public.file.url, "/media/documents/", "/media/./documents/internal.pdf",
            "/media//documents/internal.pdf", "/media/original_images/../documents/internal.pdf",
        ]
        answers = {url: client.get(url).status_code for url in direct}
        image_answer = client.get(image.file.url)

        # Wagtail's serve view (never a redirect to the file) is the way in, and it checks the collection.
        assert document.url.startswith(f"/documents/{document.pk}/")
        assert client.get(document.url).status_code == 302  # to the login page
        assert client.get(public.url).status_code == 200
        client.force_login(superuser)
        response = client.get(document.url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert answers == {url: 404 for url in direct}
    assert image_answer.status_code == 200 and image_answer["Content-Type"] == "image/png"


def test_documents_served_by_wagtail_are_downloads_under_a_sandbox(client, tmp_path):
    on_disk = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    data = docx_bytes()  # zip entries carry the current time: build it once
    with override_settings(MEDIA_ROOT=tmp_path, STORAGES=on_disk):
        document = Document.objects.create(title="plan", file=ContentFile(data, name="plan.docx"))
        response = client.get(document.url)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert content == data
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_multiple_uploader_checks_content_too(admin_client):
    response = admin_client.post(
        "/admin/documents/multiple/add/", {"files[]": ContentFile(HTML, name="report.pdf"), "collection": 1},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is False and "内容不是 PDF" in answer["error_message"]
    assert not Document.objects.exists()

"""The form-builder pages (case submissions, event sign-ups): flood limits per client."""

import pytest
from django.test import Client
from wagtail.contrib.forms.models import FormSubmission

from portal.pages.models import FormPage

pytestmark = pytest.mark.django_db

# slug → a valid submission, field by field in order, and what the thank-you page says.
FORMS = {
    "anli-zhengji": (["铁东区民政局", "铁东区", "同伴支持", "同伴支持小组", ""], "感谢推荐"),
    "youai-shiji-baoming": (["王女士", "13800138000", ["上午"], "on"], "报名成功"),
}


def valid_data(form):
    values, _ = FORMS[form.slug]
    return {field.clean_name: value for field, value in zip(form.form_fields.order_by("sort_order"), values)}


@pytest.mark.parametrize("slug", sorted(FORMS))
def test_form_pages_refuse_floods_per_client(site_demo, settings, slug):
    settings.FORM_SUBMISSIONS_PER_HOUR = 2
    form = FormPage.objects.get(slug=slug)
    client = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(2):
        response = client.post(form.url, valid_data(form))
        assert response.status_code == 200 and FORMS[slug][1] in response.content.decode()
    response = client.post(form.url, valid_data(form))
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert FormSubmission.objects.filter(page=form).count() == 2
    # Another client is not affected.
    response = Client(REMOTE_ADDR="198.51.100.2").post(form.url, valid_data(form))
    assert response.status_code == 200 and FormSubmission.objects.filter(page=form).count() == 3


def test_form_limits_use_the_client_address_behind_the_proxy(site_demo, settings):
    settings.FORM_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    form = FormPage.objects.get(slug="anli-zhengji")

    def post(forwarded_for):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for).post(form.url, valid_data(form))

    assert post("198.51.100.1").status_code == 200
    assert post("192.0.2.7, 198.51.100.1").status_code == 429  # a forged left-most hop changes nothing
    assert post("198.51.100.2").status_code == 200
    assert FormSubmission.objects.filter(page=form).count() == 2


def test_invalid_submissions_do_not_use_up_the_limit(site_demo, settings):
    settings.FORM_SUBMISSIONS_PER_HOUR = 1
    form = FormPage.objects.get(slug="youai-shiji-baoming")
    client = Client(REMOTE_ADDR="198.51.100.1")
    incomplete = {**valid_data(form)}
    incomplete.pop(form.form_fields.order_by("sort_order").last().clean_name)  # no consent
    for _ in range(3):
        assert "报名成功" not in client.post(form.url, incomplete).content.decode()
    response = client.post(form.url, valid_data(form))
    assert response.status_code == 200 and "报名成功" in response.content.decode()

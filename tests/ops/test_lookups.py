"""An integer ``__in`` with values the database cannot hold matches nothing, like ``exact`` does."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999


def test_out_of_range_values_in_an_in_lookup_match_nothing():
    group = Group.objects.create(name="测试组")
    assert list(Group.objects.filter(pk__in=[HUGE, group.pk, -HUGE])) == [group]
    assert list(Group.objects.filter(pk__in=[HUGE])) == []
    assert list(Group.objects.exclude(pk__in=[HUGE])) == list(Group.objects.all())
    assert list(Group.objects.filter(pk=HUGE)) == []  # Django's own rule, for comparison


def test_a_model_choice_field_refuses_a_huge_id_as_a_form_error():
    from django import forms

    field = forms.ModelMultipleChoiceField(queryset=Group.objects.all())
    with pytest.raises(forms.ValidationError):
        field.clean([str(HUGE)])

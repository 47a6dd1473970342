"""Price versions: a new price is a new version; rises above the share are flagged."""

import datetime
from decimal import Decimal

import pytest

from portal.prices.board import price_board, price_history
from portal.prices.models import ChargeType, PriceItem, PriceSettings, PriceVersion, PricingForm
from portal.registry.groups import ensure_groups
from portal.registry.groups import COUNTY_ADMINS
from portal.registry.models import Institution, InstitutionCategory, OwnerDepartment

pytestmark = pytest.mark.django_db
D = datetime.date
VERSIONS = "/admin/prices/priceversion/"


@pytest.fixture
def institution(regions):
    return Institution.objects.create(
        name="铁东区康复驿站", county=regions["210302"], owner_department=OwnerDepartment.CIVIL_AFFAIRS,
        category=InstitutionCategory.COMMUNITY_REHAB, is_published=True,
    )


@pytest.fixture
def item(institution):
    return PriceItem.objects.create(institution=institution, name="日间康复训练", unit="天")


def version(item, price, date, charge=ChargeType.PRICED):
    return PriceVersion.objects.create(item=item, charge_type=charge, price=price, pricing_form=PricingForm.GUIDED,
                                       effective_date=date)


def test_a_new_price_is_a_new_version_and_the_old_one_is_kept(item):
    first = version(item, Decimal("20"), D(2024, 1, 1))
    second = version(item, Decimal("21"), D(2025, 1, 1))
    assert PriceVersion.objects.filter(item=item).count() == 2
    assert second.previous == first and second.rise_share == Decimal("0.05")
    assert item.current_version(D(2024, 6, 1)) == first
    assert item.current_version(D(2025, 6, 1)) == second
    assert price_board(item.institution, D(2025, 6, 1)) == [second]
    assert price_history(item.institution) == [second, first]


def test_a_future_price_is_not_yet_on_the_board(item):
    current = version(item, Decimal("20"), D(2024, 1, 1))
    version(item, Decimal("30"), D(2099, 1, 1))
    assert price_board(item.institution, D(2026, 1, 1)) == [current]


def test_rises_above_the_configured_share_are_flagged(item):
    version(item, Decimal("100"), D(2024, 1, 1))
    assert not version(item, Decimal("110"), D(2024, 6, 1)).flagged  # exactly 10 %
    assert version(item, Decimal("125"), D(2025, 1, 1)).flagged
    settings = PriceSettings.load()
    settings.rise_alert_pct = Decimal("30")
    settings.save()
    assert not version(item, Decimal("150"), D(2025, 6, 1)).flagged
    assert not version(item, Decimal("90"), D(2026, 1, 1)).flagged  # a cut


def test_free_to_paid_is_flagged(item):
    version(item, None, D(2024, 1, 1), charge=ChargeType.FREE)
    assert version(item, Decimal("5"), D(2025, 1, 1), charge=ChargeType.LOW_COST).flagged


def test_a_priced_version_needs_a_price(item):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        PriceVersion(item=item, charge_type=ChargeType.PRICED, pricing_form=PricingForm.MARKET,
                     effective_date=D(2025, 1, 1)).clean()
    assert "请填写价格" in error.value.message_dict["price"][0]


def test_price_display(item):
    assert version(item, Decimal("20"), D(2024, 1, 1)).price_display == "20.00 元/天"
    assert version(item, None, D(2024, 2, 1), charge=ChargeType.FREE).price_display == "免费"
    assert version(item, Decimal("5"), D(2024, 3, 1), charge=ChargeType.LOW_COST).price_display == "低偿 5.00 元/天"


@pytest.fixture
def county_admin_user(regions, make_staff):
    ensure_groups()
    return make_staff("tiedong", COUNTY_ADMINS, "210302")


def test_staff_add_a_version_in_the_back_office_but_never_edit_one(client, county_admin_user, item):
    old = version(item, Decimal("20"), D(2024, 1, 1))
    client.force_login(county_admin_user)
    response = client.post(f"{VERSIONS}create/", {
        "item": item.pk, "charge_type": ChargeType.PRICED, "price": "30", "pricing_form": PricingForm.GUIDED,
        "effective_date": "2025-01-01", "complaint_phone": "12315", "basis": "", "note": "调价",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    new = PriceVersion.objects.exclude(pk=old.pk).get()
    assert new.created_by == county_admin_user and new.flagged and new.previous == old
    listing = client.get(VERSIONS).content.decode()
    assert "超过提示比例" in listing
    assert client.get(f"{VERSIONS}edit/{old.pk}/").status_code in (302, 403)
    old.refresh_from_db()
    assert old.price == Decimal("20")


def test_items_of_other_counties_are_out_of_reach(client, county_admin_user, regions):
    other = Institution.objects.create(
        name="立山区康复驿站", county=regions["210304"], owner_department=OwnerDepartment.CIVIL_AFFAIRS,
        category=InstitutionCategory.COMMUNITY_REHAB,
    )
    foreign = PriceItem.objects.create(institution=other, name="日间康复训练", unit="天")
    client.force_login(county_admin_user)
    response = client.post(f"{VERSIONS}create/", {
        "item": foreign.pk, "charge_type": ChargeType.PRICED, "price": "30", "pricing_form": PricingForm.GUIDED,
        "effective_date": "2025-01-01", "complaint_phone": "12315",
    })
    assert response.status_code == 200
    assert not PriceVersion.objects.exists()

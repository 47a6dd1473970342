import pytest
from django.core.exceptions import ValidationError

from portal.supervision.validators import normalise_phone, validate_phone_number


@pytest.mark.parametrize("number", ["12345", "12315", "13800138000", "0412-5550001", "04125550001", "010-62345678",
                                    "(0412)5550001", "400-123-4567", "０４１２－５５５０００１", "0412-5550001-123"])
def test_valid_chinese_phone_numbers(number):
    validate_phone_number(number)


@pytest.mark.parametrize("number", ["", "123", "12800000000", "0412-0000000", "abc", "1380013800", "+1 555 0100"])
def test_invalid_numbers_get_a_chinese_message(number):
    with pytest.raises(ValidationError) as error:
        validate_phone_number(number)
    assert "不是有效的电话号码" in error.value.messages[0]


def test_full_width_digits_are_normalised():
    assert normalise_phone("０４１２－５５５０００１") == "0412-5550001"

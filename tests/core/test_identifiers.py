from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jahesh.core.digits import to_persian_digits
from jahesh.core.identifiers import (
    is_valid_legal_id,
    is_valid_mobile,
    is_valid_national_code,
    is_valid_postal_code,
    is_valid_sheba,
    normalize_legal_id,
    normalize_mobile,
    normalize_national_code,
    normalize_postal_code,
    normalize_sheba,
    sheba_bank_code,
    sheba_bank_name,
    validate_legal_id,
    validate_mobile,
    validate_national_code,
    validate_postal_code,
    validate_sheba,
)

# reference/identifiers.md, every vector.
NATIONAL_VALID = "0081234562 0639876544 4901122339 0076229645 1583250689 5260181591 0830166130 1860913903 9960308243".split()
LEGAL_VALID = "10380284790 10860224318 14100123454 10320007748 17574911862 12527601890 15559797111 14710497466".split()
SHEBA_VALID = [
    "IR170170000000110583217001",
    "IR160120000000001234567890",
    "IR400560081180000001234567",
]


def _message(call, value) -> str:
    with pytest.raises(ValidationError) as caught:
        call(value)
    return caught.value.messages[0]


@pytest.mark.parametrize("code", NATIONAL_VALID)
def test_it_accepts_valid_national_codes(code):
    assert normalize_national_code(code) == code
    assert normalize_national_code(to_persian_digits(code)) == code
    assert is_valid_national_code(code)
    validate_national_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("0081234561", "رقم کنترل کد ملی درست نیست"),
        ("1111111111", "کد ملی با ارقام تکراری"),
        ("0000000000", "کد ملی با ارقام تکراری"),
        ("123456789", "کد ملی ۱۰ رقم است؛ ۹ رقم وارد شده"),
        ("00812345620", "کد ملی ۱۰ رقم است؛ ۱۱ رقم وارد شده"),
        ("0010000001", "ارقام چهارم تا نهم کد ملی نمی‌توانند همه صفر باشند"),
        ("00812345a2", "کد ملی فقط رقم دارد"),
        ("", "کد ملی را وارد کنید"),
    ],
)
def test_it_rejects_national_codes_saying_why(code, message):
    assert message in _message(normalize_national_code, code)
    assert message in _message(validate_national_code, code)
    assert not is_valid_national_code(code)


def test_it_accepts_national_codes_typed_with_separators_and_arabic_digits():
    assert normalize_national_code("۰۰۸-۱۲۳۴۵۶-۲") == "0081234562"
    assert normalize_national_code(" ٠٠٨١٢٣٤٥٦٢ ") == "0081234562"
    assert normalize_national_code("008 123 4562") == "0081234562"


def test_it_restores_leading_zeros_only_when_asked():
    assert not is_valid_national_code("81234562")
    assert normalize_national_code("81234562", pad_leading_zeros=True) == "0081234562"
    assert normalize_national_code(639876544, pad_leading_zeros=True) == "0639876544"


def _national_code(body: str) -> str:
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_it_accepts_exactly_one_check_digit_per_body(body):
    good = _national_code(body)
    plausible = len(set(good)) > 1 and good[3:9] != "000000"
    assert is_valid_national_code(good) is plausible
    for wrong in "0123456789":
        if wrong != good[9]:
            assert not is_valid_national_code(body + wrong)


@pytest.mark.parametrize("code", LEGAL_VALID)
def test_it_accepts_valid_legal_ids(code):
    assert normalize_legal_id(code) == code
    assert normalize_legal_id(to_persian_digits(code)) == code
    assert is_valid_legal_id(code)
    validate_legal_id(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("10380284791", "رقم کنترل شناسه ملی درست نیست"),
        ("10860224310", "رقم کنترل شناسه ملی درست نیست"),
        ("1038028479", "شناسه ملی ۱۱ رقم است؛ ۱۰ رقم وارد شده"),
        ("10300000000", "ارقام چهارم تا نهم شناسه ملی نمی‌توانند همه صفر باشند"),
    ],
)
def test_it_rejects_legal_ids_saying_why(code, message):
    assert message in _message(normalize_legal_id, code)
    assert message in _message(validate_legal_id, code)
    assert not is_valid_legal_id(code)


@pytest.mark.parametrize("sheba", SHEBA_VALID)
def test_it_accepts_valid_shebas(sheba):
    assert normalize_sheba(sheba) == sheba
    assert normalize_sheba(sheba.lower()) == sheba
    assert normalize_sheba(sheba[2:]) == sheba
    spaced = " ".join(sheba[i : i + 4] for i in range(0, 26, 4))
    assert normalize_sheba(to_persian_digits(spaced)) == sheba
    assert is_valid_sheba(sheba)
    validate_sheba(sheba)


def test_it_reads_the_bank_from_the_sheba():
    assert [sheba_bank_code(s) for s in SHEBA_VALID] == ["017", "012", "056"]
    assert [sheba_bank_name(s) for s in SHEBA_VALID] == ["بانک ملی ایران", "بانک ملت", "بانک سامان"]


@pytest.mark.parametrize(
    ("sheba", "message"),
    [
        ("IR170170000000110583217002", "رقم‌های کنترل شماره شبا درست نیست"),
        ("IR17017000000011058321700", "شماره شبا IR و ۲۴ رقم است؛ ۲۳ رقم وارد شده"),
        ("DE89370400440532013000", "شماره شبا با IR شروع می‌شود"),
        ("IR17017000000011058321700X", "پس از IR در شماره شبا فقط رقم می‌آید"),
        ("", "شماره شبا را وارد کنید"),
    ],
)
def test_it_rejects_shebas_saying_why(sheba, message):
    assert message in _message(normalize_sheba, sheba)
    assert message in _message(validate_sheba, sheba)
    assert not is_valid_sheba(sheba)


@given(st.text(alphabet="0123456789", min_size=22, max_size=22))
def test_it_accepts_shebas_with_computed_check_digits(bban):
    check = 98 - int(bban + "182700") % 97
    assert is_valid_sheba(f"IR{check:02}{bban}")
    assert not is_valid_sheba(f"IR{(check + 1) % 100:02}{bban}")


@pytest.mark.parametrize(
    "typed",
    [
        "+989121234567",
        "00989121234567",
        "989121234567",
        "09121234567",
        "9121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "0912 123 4567",
        "0912-123-4567",
        "+98 (912) 123 45 67",
    ],
)
def test_it_stores_mobiles_as_09(typed):
    assert normalize_mobile(typed) == "09121234567"
    assert is_valid_mobile(typed)
    validate_mobile(typed)


def test_it_does_not_reject_new_operator_prefixes():
    assert normalize_mobile("09981234567") == "09981234567"
    assert normalize_mobile("9981234567") == "09981234567"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0912123456", "شماره همراه ۱۱ رقم است (با ۰۹ اول آن)؛ ۱۰ رقم وارد شده"),
        ("091212345678", "شماره همراه ۱۱ رقم است (با ۰۹ اول آن)؛ ۱۲ رقم وارد شده"),
        ("02188776655", "شماره همراه با ۰۹ شروع می‌شود"),
        ("0912abc4567", "شماره همراه فقط رقم دارد"),
        ("", "شماره همراه را وارد کنید"),
    ],
)
def test_it_rejects_mobiles_saying_why(typed, message):
    assert message in _message(normalize_mobile, typed)
    assert not is_valid_mobile(typed)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_it_normalises_every_mobile_form_to_the_same_number(rest):
    canonical = "09" + rest
    for form in ("+989", "00989", "989", "09", "9"):
        assert normalize_mobile(form + rest) == canonical


def test_it_checks_postal_codes_by_length_only():
    assert normalize_postal_code("۳۸۱۳۷-۳۳۶۹۸") == "3813733698"
    assert is_valid_postal_code("1234567890")
    validate_postal_code("1234567890")
    assert "کد پستی ۱۰ رقم است؛ ۹ رقم وارد شده" in _message(normalize_postal_code, "123456789")
    assert "کد پستی فقط رقم دارد" in _message(validate_postal_code, "12345abcde")

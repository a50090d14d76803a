from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jahesh.volunteers.models import Skill
from jahesh.volunteers.selectors import hourly_rate, hours_value_rial, value_at_rate


def test_it_values_hours_at_the_skills_rate():
    skill = Skill(name="بنا", hourly_rate_rial=600_000)
    assert hourly_rate(skill) == 600_000
    assert hours_value_rial(hours=Decimal("7.5"), skill=skill) == 4_500_000
    assert hours_value_rial(hours=3, skill=None) == 0


def test_it_reads_the_rate_by_id(db):
    skill = Skill.objects.create(name="پرستار", name_key="پرستار", hourly_rate_rial=900_001)
    assert hourly_rate(skill.pk) == 900_001
    assert hours_value_rial(hours="0.5", skill=skill.pk) == 450_001  # 450,000.5 rounds half up


@given(
    tenths=st.integers(min_value=0, max_value=20_000),
    rate=st.integers(min_value=0, max_value=50_000_000),
)
def test_it_is_exact_to_the_rial(tenths, rate):
    value = value_at_rate(hours=Decimal(tenths) / 10, rate_rial=rate)
    exact2 = tenths * rate * 2  # twice ten times the value, an integer
    assert abs(value * 20 - exact2) <= 10  # within half a rial
    assert value == (tenths * rate + 5) // 10  # half up

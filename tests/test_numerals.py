"""Chinese numerals in article labels: well-formed ones parse, malformed ones never become another number."""

from __future__ import annotations

import pytest

from corpus.numerals import cn_to_int, int_to_cn
from corpus.units import canonical_unit


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百零五", 105), ("十一", 11), ("一十一", 11), ("两千", 2000), ("一百一十九", 119), ("21", 21)],
)
def test_well_formed_numerals_parse(text: str, value: int):
    assert cn_to_int(text) == value


@pytest.mark.parametrize(("text", "value"), [("九九九", 999), ("一二〇", 120), ("二〇二五", 2025)])
def test_digits_written_in_place_read_as_such(text: str, value: int):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["十十", "百五", "一百五", "零", "九十九十", "三x"])
def test_malformed_numerals_are_rejected(text: str):
    with pytest.raises(ValueError):
        cn_to_int(text)


def test_every_label_round_trips():
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 10000))


def test_a_malformed_unit_stays_as_typed_instead_of_becoming_another_article():
    assert canonical_unit("第九九九条") == "第九百九十九条"
    assert canonical_unit("第十十条") == "第十十条"

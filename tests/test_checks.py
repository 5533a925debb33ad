"""One validator per rule: shares, numbers, flags and the exit age, with Swedish messages."""

from __future__ import annotations

import numpy as np
import pytest

from kompetens_lib._internal.checks import (
    check_flag,
    check_number,
    check_share,
    check_whole_number,
    is_share,
)
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.supply import EXIT_AGE, EXIT_AGE_RANGE, check_exit_age


@pytest.mark.parametrize("value, expected", [(0, 0.0), (1, 1.0), ("0,7", 0.7), (" 0.25 ", 0.25),
                                             (np.float64(0.5), 0.5)])
def test_a_share_is_a_number_from_0_to_1_also_as_text(value, expected):
    assert check_share(value, "andel") == expected


@pytest.mark.parametrize("value", [-0.1, 1.5, "hög", True, None, float("nan")])
def test_a_bad_share_is_named_with_its_range(value):
    with pytest.raises(KompetensError, match=r"^graduate_share ska vara en andel mellan 0 och 1"):
        check_share(value, "graduate_share")


def test_a_share_without_zero_says_so():
    with pytest.raises(KompetensError, match=r"stay_share.*\(0, 1\].*större än 0 och högst 1"):
        check_share(0, "stay_share", allow_zero=False)
    assert check_share(1, "stay_share", allow_zero=False) == 1.0


def test_methods_refuse_a_share_as_text_and_add_their_hint():
    with pytest.raises(KompetensError, match=r"mellan 0 och 1.*0 ger fast andel"):
        check_share("0.5", "Dämpningen (damping, λ)", text=False,
                    hint="0 ger fast andel, 1 för hela den historiska förskjutningen framåt.")
    assert not is_share("0.5") and is_share(np.int64(1)) and not is_share(True)


def test_numbers_and_flags():
    assert check_number("1,5", "x") == 1.5
    with pytest.raises(KompetensError, match="ska vara ett ändligt tal"):
        check_number("inf", "x")
    assert check_flag("Ja", "f") is True and check_flag("nej", "f") is False
    with pytest.raises(KompetensError, match="ska vara True eller False"):
        check_flag("kanske", "f")
    assert check_whole_number("5", "n", 1, 9) == 5


def test_the_exit_age_has_one_range_shared_by_the_workbook():
    from kompetens_lib.workbook.assumptions import assumptions, supply_assumptions

    low, high = EXIT_AGE_RANGE
    assert (low, high) == (60, 72) and low <= EXIT_AGE <= high
    assert check_exit_age("67") == 67
    for bad in (low - 1, high + 1, 66.5, "gammal"):
        with pytest.raises(KompetensError, match="exit_age"):
            check_exit_age(bad)
    with pytest.raises(KompetensError, match=f"mellan {low} och {high}"):
        supply_assumptions(exit_age=high + 1)
    with pytest.raises(KompetensError, match=f"mellan {low} och {high}"):
        assumptions(exit_age=low - 1)

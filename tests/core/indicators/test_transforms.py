import numpy as np
import pandas as pd
import pytest

from induscope.core.indicators import fred_transform
from induscope.errors import ModelError

x = pd.Series([100.0, 102.0, 101.0, 105.0])


@pytest.mark.parametrize("tcode,expected_last", [
    (1, 105.0), (2, 4.0), (3, 5.0), (4, np.log(105.0)), (5, np.log(105 / 101)),
    (6, np.log(105 / 101) - np.log(101 / 102)), (7, (105 / 101 - 1) - (101 / 102 - 1)),
])
def test_fred_md_transformation_codes(tcode, expected_last):
    assert fred_transform(x, tcode).iloc[-1] == pytest.approx(expected_last)


def test_bad_code_and_logs_of_non_positive_values():
    with pytest.raises(ModelError):
        fred_transform(x, 8)
    with pytest.raises(ModelError, match="non-positive"):
        fred_transform(pd.Series([1.0, 0.0]), 5)

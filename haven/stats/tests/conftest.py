from pathlib import Path

import pytest
from django.utils import translation

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "ctdc"
VP_FILE = SHARED / "CTDC_VPsynthetic_condensed.csv"
VP_DICTIONARY = SHARED / "CTDC_VPsynthetic_dict_20221201.xlsx"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield

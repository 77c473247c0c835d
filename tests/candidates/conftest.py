import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """The working-day calendar is cached; tests change holidays, so each starts clean."""
    cache.clear()
    yield
    cache.clear()

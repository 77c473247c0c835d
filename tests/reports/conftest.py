from tests.planning.conftest import district  # noqa: F401  (the seed-002 district fixture, shared)

"""The API tests' learner with a personal token, for the draft routes of /api/v1."""

from tests.api.conftest import api, token  # noqa: F401 (fixtures)

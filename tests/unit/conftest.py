"""Unit tests run one module with no database and no WSGI pipeline.

A test that needs either is a functional test: it lives in ``tests/functional/``.
"""

import pytest


@pytest.fixture
def db():
    pytest.fail("unit tests have no database: move this test to tests/functional/")

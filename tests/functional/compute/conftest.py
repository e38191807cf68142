"""Fixtures of the compute API tests: a member's context, the API with its RPC mocked."""

from unittest import mock

import pytest

from novalite import context
from novalite.compute import api as compute_api


@pytest.fixture
def ctx():
    return context.RequestContext(user_id='u1', project_id='p1', roles=['member'])


@pytest.fixture
def compute(db):
    """The compute API; its casts to the conductor and compute hosts are recorded, not sent."""
    api = compute_api.API()
    api._compute_task_api = mock.Mock()
    api._compute_rpcapi = mock.Mock()
    return api

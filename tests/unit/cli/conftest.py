"""Fixtures of the CLI tests: the fake Compute API and a runner for ``novalite``."""

import pytest

from novalite.cli import shell
from novalite.cli.client import Client
from tests.unit.cli.fakes import FakeComputeAPI


@pytest.fixture
def fake_api():
    api = FakeComputeAPI()
    api.thread.start()
    yield api
    api.httpd.shutdown()
    api.httpd.server_close()


@pytest.fixture
def run(fake_api, capsys, monkeypatch):
    """Run ``novalite`` against the fake API; returns ``(exit status, stdout, stderr)``."""
    for name in ('NOVALITE_URL', 'NOVALITE_TOKEN', 'NOVALITE_COMPUTE_API_VERSION'):
        monkeypatch.delenv(name, raising=False)

    def run(*argv):
        status = shell.main(['--os-compute-url', fake_api.url, *argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run


@pytest.fixture
def client(fake_api):
    """A ``Client`` of the fake API at the default microversion."""
    return Client(fake_api.url, timeout=5)

"""A private tgtd per test module, and the tgt driver pointed at it."""

import pytest

from novalite.volume.drivers import tgt
from tests.integration import tgt as tgt_server


@pytest.fixture(scope='module')
def tgtd():
    try:
        server = tgt_server.TgtServer().start()
    except tgt_server.TgtUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def driver(conf, tgtd, tmp_path):
    tgtd.configure(conf)
    conf.set_override('volumes_dir', str(tmp_path / 'volumes'), group='volume')
    return tgt.TgtDriver(conf)


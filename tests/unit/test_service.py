"""A service waits at start for the peer it joins through, and says so."""

from unittest import mock

import oslo_messaging as messaging

from novalite import concurrency, service


class _ConductorLateToStart:
    peer = 'the conductor'

    def __init__(self, timeouts):
        self.timeouts = timeouts

    def join(self, context, host, binary, topic):
        if self.timeouts:
            self.timeouts -= 1
            raise messaging.MessagingTimeout('Timed out waiting for a reply')
        return {'id': 1, 'host': host}


def test_a_compute_started_before_the_conductor_waits_for_it_and_says_so(conf, caplog,
                                                                          monkeypatch):
    monkeypatch.setattr(concurrency, 'sleep', lambda seconds: None)
    manager = mock.Mock(additional_endpoints=())
    server = service.Service('compute1', 'novalite-compute', 'compute', manager,
                             _ConductorLateToStart(timeouts=3))
    with mock.patch.object(service.rpc, 'get_server'):
        server.start()
    try:
        assert server.service_ref == {'id': 1, 'host': 'compute1'}
        manager.init_host.assert_called_once()
        waits = [r.getMessage() for r in caplog.records if 'is waiting for' in r.getMessage()]
        assert len(waits) == 3
        assert 'novalite-compute on compute1 is waiting for the conductor' in waits[0]
    finally:
        server.stop()

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


def test_services_run_in_order_start_in_it_and_stop_in_the_reverse():
    calls = []
    members = [mock.Mock(**{f'{step}.side_effect': lambda *a, _n=name, _s=step:
                            calls.append((_s, _n)) for step in ('start', 'stop')})
               for name in ('conductor', 'compute', 'api')]
    together = service.InOrder(members)
    together.start()
    together.stop()
    assert calls == [('start', 'conductor'), ('start', 'compute'), ('start', 'api'),
                     ('stop', 'api'), ('stop', 'compute'), ('stop', 'conductor')]

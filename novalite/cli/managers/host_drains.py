"""Host drains: ``/os-host-drains`` (novalite's own; administrators)."""

from novalite.cli import base


class HostDrainManager(base.Manager):
    kind = 'host drain'

    def create(self, host, mode='live', max_outbound_per_host=None, max_parallel=None):
        body = base.clean_params({'host': host, 'mode': mode,
                                  'max_outbound_per_host': max_outbound_per_host,
                                  'max_parallel': max_parallel})
        return self.client.post('/os-host-drains', {'host_drain': body})['host_drain']

    def get(self, drain_id):
        return self.client.get(f'/os-host-drains/{drain_id}')['host_drain']

    def list(self, host=None):
        return self.client.get('/os-host-drains',
                               params=base.clean_params({'host': host}))['host_drains']

"""Hypervisors: ``/os-hypervisors``, one per compute node, and their totals."""

from novalite.cli import base

# The uptime and statistics routes answer up to 2.87 (from 2.88 the show has the uptime).
ROUTES_MAX_VERSION = '2.87'


class HypervisorManager(base.Manager):
    kind = 'hypervisor'

    def list(self, detailed=False):
        path = '/os-hypervisors/detail' if detailed else '/os-hypervisors'
        return self.list_all(path, 'hypervisors')

    def get(self, hypervisor_id):
        return self.client.get(f'/os-hypervisors/{hypervisor_id}')['hypervisor']

    def looks_like_id(self, value):
        # Integer IDs before microversion 2.53, UUIDs from then on.
        return str(value).isdigit() or base.is_uuid_like(value)

    @staticmethod
    def name_of(resource):
        return resource.get('hypervisor_hostname')

    def candidates(self, name):
        return self.list()

    def resolve(self, name_or_id):
        """The hypervisor with this ID or hostname, in full detail."""
        found = super().resolve(name_or_id)
        if 'vcpus' in found:
            return found
        return self.get(found['id'])

    def uptime(self, hypervisor_id):
        """``uptime`` of the hypervisor's host (asked at 2.87 at most: from 2.88
        the show has it, and the route is gone)."""
        return self.client.get(f'/os-hypervisors/{hypervisor_id}/uptime',
                               microversion=self.client.capped(ROUTES_MAX_VERSION)
                               )['hypervisor']

    def statistics(self):
        """Totals over every hypervisor: counts, vCPUs, memory and disk (asked at
        2.87 at most, the last that serves them)."""
        return self.client.get('/os-hypervisors/statistics',
                               microversion=self.client.capped(ROUTES_MAX_VERSION)
                               )['hypervisor_statistics']

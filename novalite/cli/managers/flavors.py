"""Flavors: ``/flavors``, the hardware templates servers are booted from.

Flavor IDs are free-form strings (``"1"``, ``"m1.tiny"``, a UUID), so a lookup always
tries the string as an ID before matching names.
"""

from novalite.cli import base


class FlavorManager(base.Manager):
    kind = 'flavor'

    def list(self, detailed=True, is_public=True):
        """Flavors, following pagination.

        :param is_public: True for public flavors (the API's default), False for
            private ones the caller can see, None for all (an admin's view).
        """
        path = '/flavors/detail' if detailed else '/flavors'
        params = {}
        if is_public is not True:
            params['is_public'] = 'None' if is_public is None else is_public
        return self.list_all(path, 'flavors', params)

    def get(self, flavor_id):
        return self.client.get(f'/flavors/{flavor_id}')['flavor']

    def looks_like_id(self, value):
        return True

    def candidates(self, name):
        return self.list(is_public=None)

    def create(self, name, ram, vcpus, disk, id=None, ephemeral=0, swap=0,
               is_public=True, rxtx_factor=None):
        """Create a flavor (admin only).

        :param ram: memory in MiB.
        :param disk: root disk in GiB.
        :param id: the flavor ID; None lets the API generate a UUID.
        :param swap: swap disk in MiB.
        :returns: the created flavor dict.
        :raises ClientError: if the API refuses (HTTP 409 for a duplicate name or ID).
        """
        flavor = {
            'name': name, 'ram': int(ram), 'vcpus': int(vcpus), 'disk': int(disk),
            'id': id, 'OS-FLV-EXT-DATA:ephemeral': int(ephemeral), 'swap': int(swap),
            'os-flavor-access:is_public': bool(is_public),
        }
        if rxtx_factor is not None:
            flavor['rxtx_factor'] = float(rxtx_factor)
        return self.client.post('/flavors', {'flavor': flavor})['flavor']

    def delete(self, flavor_id):
        self.client.delete(f'/flavors/{flavor_id}')

    def get_keys(self, flavor_id):
        return self.client.get(f'/flavors/{flavor_id}/os-extra_specs')['extra_specs']

    def set_keys(self, flavor_id, specs):
        """Add or replace extra specs (admin only); returns those sent."""
        return self.client.post(f'/flavors/{flavor_id}/os-extra_specs',
                                {'extra_specs': specs})['extra_specs']

    def unset_key(self, flavor_id, key):
        self.client.delete(f'/flavors/{flavor_id}/os-extra_specs/{key}')

    def access_list(self, flavor_id):
        """Projects given access to a private flavor (admin only)."""
        return self.client.get(f'/flavors/{flavor_id}/os-flavor-access')['flavor_access']

    def add_tenant_access(self, flavor_id, project_id):
        return self.client.post(f'/flavors/{flavor_id}/action',
                                {'addTenantAccess': {'tenant': project_id}})['flavor_access']

    def remove_tenant_access(self, flavor_id, project_id):
        return self.client.post(f'/flavors/{flavor_id}/action',
                                {'removeTenantAccess': {'tenant': project_id}}
                                )['flavor_access']

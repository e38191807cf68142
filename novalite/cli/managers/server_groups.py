"""Server groups: ``/os-server-groups``, placement policies for sets of servers."""

from novalite.cli import base
from novalite.cli.exceptions import ClientError

# From 2.64 a group has one ``policy`` (and ``rules``) instead of a ``policies`` list.
_POLICY_VERSION = (2, 64)


class ServerGroupManager(base.Manager):
    kind = 'server group'

    def list(self, all_projects=False):
        return self.list_all('/os-server-groups', 'server_groups',
                             {'all_projects': True} if all_projects else None)

    def get(self, group_id):
        return self.client.get(f'/os-server-groups/{group_id}')['server_group']

    def candidates(self, name):
        return self.list()

    def create(self, name, policy, rules=None):
        """A group with ``policy`` (affinity, anti-affinity, soft-affinity,
        soft-anti-affinity); ``rules`` (``max_server_per_host``) need 2.64."""
        if self.client.api_version >= _POLICY_VERSION:
            group = {'name': name, 'policy': policy}
            if rules:
                group['rules'] = rules
        elif rules:
            raise ClientError(None, 'server group rules need compute API version 2.64 or later')
        else:
            group = {'name': name, 'policies': [policy]}
        return self.client.post('/os-server-groups', {'server_group': group})['server_group']

    def delete(self, group_id):
        self.client.delete(f'/os-server-groups/{group_id}')

"""Quotas: ``/os-quota-sets`` (a project's or user's limits), ``/limits`` and
``/os-simple-tenant-usage``."""

from novalite.cli import base


def _user(user_id):
    return {'user_id': user_id} if user_id else None


class QuotaManager(base.Manager):
    kind = 'quota'

    def get(self, project_id, user_id=None, detail=False):
        """A project's (or one user's) limits; with ``detail``, each with ``in_use``."""
        path = f'/os-quota-sets/{project_id}' + ('/detail' if detail else '')
        return self.client.get(path, params=_user(user_id))['quota_set']

    def defaults(self, project_id):
        return self.client.get(f'/os-quota-sets/{project_id}/defaults')['quota_set']

    def update(self, project_id, user_id=None, force=False, **limits):
        """Set limits (admin only); ``limits`` are resource names to numbers, -1 unlimited.

        :raises ClientError: 400 when a limit is below what is used (unless ``force``).
        """
        body = dict(limits, force=True) if force else dict(limits)
        return self.client.put(f'/os-quota-sets/{project_id}', {'quota_set': body},
                               params=_user(user_id))['quota_set']

    def delete(self, project_id, user_id=None):
        """Back to the defaults (admin only)."""
        self.client.delete(f'/os-quota-sets/{project_id}', params=_user(user_id))


class LimitManager(base.Manager):
    kind = 'limits'

    def get(self, project_id=None):
        """The caller's (or, for an admin, ``project_id``'s) absolute limits and usage."""
        params = {'tenant_id': project_id} if project_id else None
        return self.client.get('/limits', params=params)['limits']


class UsageManager(base.Manager):
    kind = 'usage'

    def list(self, start, end, detailed=False):
        """Every project's usage in ``[start, end)`` (ISO times; admin only), following
        the pages the API cuts it into from 2.40."""
        params = {'start': start, 'end': end, 'detailed': '1' if detailed else None}
        return self.list_all('/os-simple-tenant-usage', 'tenant_usages', params)

    def get(self, project_id, start, end):
        """One project's usage, with its servers."""
        return self.client.get(f'/os-simple-tenant-usage/{project_id}',
                               params={'start': start, 'end': end})['tenant_usage']

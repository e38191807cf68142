"""Services: ``/os-services``, the daemons (compute, conductor, scheduler) on hosts.

Before microversion 2.53 a service is enabled or disabled by host and binary through
``/os-services/enable``, ``/disable`` and ``/disable-log-reason``; from 2.53 on by its
UUID through ``PUT /os-services/{id}``. ``ServiceManager`` takes host and binary in
both cases and picks the call the requested microversion allows.
"""

from novalite.cli import base
from novalite.cli.exceptions import NotFound

SERVICE_UUID_VERSION = '2.53'


class ServiceManager(base.Manager):
    kind = 'service'

    def list(self, host=None, binary=None):
        params = base.clean_params({'host': host, 'binary': binary})
        return self.client.get('/os-services', params=params or None)['services']

    def _find(self, host, binary):
        for service in self.list(host=host, binary=binary):
            if service.get('host') == host and service.get('binary') == binary:
                return service
        raise NotFound(None, f"No service {binary} on host '{host}' exists.")

    def _update(self, host, binary, status, reason=None):
        if self.client.supports(SERVICE_UUID_VERSION):
            service_id = self._find(host, binary)['id']
            body = {'status': status}
            if reason is not None:
                body['disabled_reason'] = reason
            return self.client.put(f'/os-services/{service_id}', body)['service']
        body = {'host': host, 'binary': binary}
        if status == 'enabled':
            action = 'enable'
        elif reason is not None:
            action = 'disable-log-reason'
            body['disabled_reason'] = reason
        else:
            action = 'disable'
        return self.client.put(f'/os-services/{action}', body)['service']

    def enable(self, host, binary):
        """Let the scheduler place servers on ``binary`` at ``host`` again.

        :returns: the updated service (before 2.53 only host, binary and status).
        :raises NotFound: if no such service exists.
        """
        return self._update(host, binary, 'enabled')

    def disable(self, host, binary, reason=None):
        """Stop the scheduler placing servers on ``binary`` at ``host``.

        :param reason: recorded as the service's ``disabled_reason``.
        :raises NotFound: if no such service exists.
        """
        return self._update(host, binary, 'disabled', reason)

    def delete(self, service_id):
        """Delete a service record (an integer ID before 2.53, a UUID from 2.53)."""
        self.client.delete(f'/os-services/{service_id}')

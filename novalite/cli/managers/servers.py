"""Servers: ``/servers``, their actions and their instance-action records.

Power operations are ``POST /servers/{id}/action`` with a one-key body naming the
action, as in Nova (``{"os-stop": null}``, ``{"reboot": {"type": "HARD"}}``).
"""

import base64

from novalite.cli import base
from novalite.cli.exceptions import ClientError

# Nova started requiring ``networks`` (and accepting "auto"/"none") at 2.37.
NETWORKS_REQUIRED_VERSION = '2.37'
# The last microversion whose rebuild keeps a volume-backed server's boot volume.
KEEP_BOOT_VOLUME_VERSION = '2.92'


def _encode_user_data(user_data):
    if isinstance(user_data, str):
        user_data = user_data.encode('utf-8')
    return base64.b64encode(user_data).decode('ascii')


def _version_key(version):
    return tuple(int(part) for part in version.split('.'))


def _launch_order(server):
    index = server.get('OS-EXT-SRV-ATTR:launch_index')
    return (index if isinstance(index, int) else 0, server.get('name') or '')


class ServerManager(base.Manager):
    kind = 'server'

    def create(self, name, image, flavor, min_count=None, max_count=None,
               availability_zone=None, metadata=None, user_data=None, key_name=None,
               config_drive=None, networks='auto', scheduler_hints=None):
        """Boot one or more servers.

        :param image: image ID (``''`` or None to boot from volume).
        :param flavor: flavor ID.
        :param min_count: boot at least this many, or fail.
        :param max_count: boot up to this many.
        :param metadata: dict of string keys and values.
        :param user_data: str or bytes; sent base64-encoded.
        :param networks: ``'auto'``, ``'none'`` or a list of dicts such as
            ``{'uuid': NET}``, ``{'port': PORT}``, ``{'uuid': NET, 'fixed_ip': IP}``.
            Below microversion 2.37 ``'auto'`` sends nothing.
        :param scheduler_hints: dict sent as ``os:scheduler_hints``.
        :returns: for one server, the create response's server dict (``id``,
            ``adminPass``, ``links``); when more than one may be booted, the list
            of created servers in full, found by their reservation ID.
        :raises ClientError: if the API refuses the request.
        """
        multiple = max(min_count or 1, max_count or 1) > 1
        server = {'name': name, 'flavorRef': flavor}
        if image:
            server['imageRef'] = image
        optional = {
            'min_count': min_count, 'max_count': max_count,
            'availability_zone': availability_zone, 'metadata': metadata,
            'key_name': key_name, 'config_drive': config_drive,
        }
        server.update({k: v for k, v in optional.items() if v is not None})
        if user_data is not None:
            server['user_data'] = _encode_user_data(user_data)
        self._add_networks(server, networks)
        if multiple:
            server['return_reservation_id'] = True
        body = {'server': server}
        if scheduler_hints:
            body['os:scheduler_hints'] = scheduler_hints
        resp = self.client.post('/servers', body)
        if not multiple:
            return resp['server']
        if 'reservation_id' not in resp:
            return [resp['server']]
        created = self.list(reservation_id=resp['reservation_id'])
        return sorted(created, key=_launch_order)

    def _add_networks(self, server, networks):
        if self.client.supports(NETWORKS_REQUIRED_VERSION):
            server['networks'] = networks or 'auto'
        elif networks == 'none':
            raise ClientError(None, "networks 'none' needs microversion "
                                    f'{NETWORKS_REQUIRED_VERSION} or later')
        elif networks and networks != 'auto':
            server['networks'] = networks

    def list(self, detailed=True, **filters):
        """Every server matching ``filters``, following pagination.

        :param filters: query filters as the API names them: ``status``, ``host``,
            ``name`` (a regular expression in Nova), ``all_tenants``,
            ``reservation_id``, ``limit``, ``marker``, ...
        """
        path = '/servers/detail' if detailed else '/servers'
        return self.list_all(path, 'servers', filters)

    def get(self, server_id):
        return self.client.get(f'/servers/{server_id}')['server']

    def candidates(self, name):
        # Nova's name filter is a regular expression; a name holding regex syntax
        # may not match itself, so an empty narrowed list falls back to all.
        narrowed = self.list(detailed=False, name=name)
        if any(s.get('name') == name for s in narrowed):
            return narrowed
        return self.list(detailed=False)

    def delete(self, server_id):
        self.client.delete(f'/servers/{server_id}')

    def _action(self, server_id, action, info=None):
        return self.client.post(f'/servers/{server_id}/action', {action: info})

    def start(self, server_id):
        self._action(server_id, 'os-start')

    def stop(self, server_id):
        self._action(server_id, 'os-stop')

    def reboot(self, server_id, hard=False):
        self._action(server_id, 'reboot', {'type': 'HARD' if hard else 'SOFT'})

    def pause(self, server_id):
        self._action(server_id, 'pause')

    def unpause(self, server_id):
        self._action(server_id, 'unpause')

    def suspend(self, server_id):
        self._action(server_id, 'suspend')

    def resume(self, server_id):
        self._action(server_id, 'resume')

    def reset_state(self, server_id, state='error'):
        """Set the server's vm_state to ``active`` or ``error`` (admin)."""
        self._action(server_id, 'os-resetState', {'state': state})

    def restore(self, server_id):
        """Bring a soft-deleted server back."""
        self._action(server_id, 'restore')

    def force_delete(self, server_id):
        """Delete a (soft-deleted) server now."""
        self._action(server_id, 'forceDelete')

    def resize(self, server_id, flavor_id):
        self._action(server_id, 'resize', {'flavorRef': flavor_id})

    def confirm_resize(self, server_id):
        self._action(server_id, 'confirmResize')

    def revert_resize(self, server_id):
        self._action(server_id, 'revertResize')

    def migrate(self, server_id, host=None):
        """Cold-migrate; naming ``host`` needs microversion 2.56."""
        if host is None:
            self._action(server_id, 'migrate')
        else:
            self.client.post(f'/servers/{server_id}/action', {'migrate': {'host': host}},
                             microversion='2.56')

    def live_migrate(self, server_id, host=None, block_migration='auto'):
        self.client.post(f'/servers/{server_id}/action', {'os-migrateLive': {
            'host': host, 'block_migration': block_migration}}, microversion='2.25')

    def migrations(self, server_id):
        """The server's live migration under way, with its progress (2.23)."""
        return self.client.get(f'/servers/{server_id}/migrations',
                               microversion='2.23')['migrations']

    def abort_migration(self, server_id, migration_id):
        self.client.delete(f'/servers/{server_id}/migrations/{migration_id}',
                           microversion='2.24')

    def force_complete_migration(self, server_id, migration_id):
        self.client.post(f'/servers/{server_id}/migrations/{migration_id}/action',
                         {'force_complete': None}, microversion='2.22')

    def rebuild(self, server_id, image_id, reimage_boot_volume=False, **options):
        """Rebuild from ``image_id``; ``options`` are the rebuild body's other keys.

        Sent at the microversion the options need: ``key_name`` 2.54,
        ``user_data`` 2.57, ``hostname`` 2.90, and 2.93 to write the image over
        a volume-backed server's boot volume (``reimage_boot_volume``).
        Without it at 2.92 at most: from 2.93 the API re-images the boot volume
        of every rebuilt volume-backed server, which only asking may do.
        Returns the server as answered.
        """
        needed = [version for key, version in (('key_name', '2.54'), ('user_data', '2.57'),
                                               ('hostname', '2.90')) if key in options]
        if reimage_boot_volume:
            version = max([*needed, '2.93'], key=_version_key)
        else:
            version = max(needed, key=_version_key, default=None) or \
                self.client.capped(KEEP_BOOT_VOLUME_VERSION)
        resp = self.client.post(f'/servers/{server_id}/action',
                                {'rebuild': dict(options, imageRef=image_id)},
                                microversion=version)
        return resp['server']

    def evacuate(self, server_id, host=None, password=None, force=False):
        """Evacuate from a down host (2.14; ``force`` 2.29). Returns the body, if any."""
        body = {key: value for key, value in (('host', host), ('adminPass', password))
                if value is not None}
        if force:
            body['force'] = True
        return self.client.post(f'/servers/{server_id}/action', {'evacuate': body},
                                microversion='2.29' if force else '2.14')

    def console_output(self, server_id, length=None):
        """The tail of the server's console log; ``length`` lines, or all."""
        info = {} if length is None else {'length': length}
        resp = self._action(server_id, 'os-getConsoleOutput', info)
        return resp['output']

    def actions(self, server_id):
        """The server's instance actions (create, stop, ...), as the API orders them."""
        resp = self.client.get(f'/servers/{server_id}/os-instance-actions')
        return resp['instanceActions']

    def action(self, server_id, request_id):
        """One instance action with its events."""
        resp = self.client.get(f'/servers/{server_id}/os-instance-actions/{request_id}')
        return resp['instanceAction']

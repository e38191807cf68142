"""Volume drivers: how the volume service stores and exports volumes.

A driver works on volume dicts (``uuid``, ``size`` in GiB, ``provider_location``,
``provider_auth``) and returns the export it made as those two columns:
``provider_location`` is ``portal,tid iqn lun`` and ``provider_auth`` is
``CHAP username password``, as Cinder's iSCSI drivers keep them, so that
:func:`connection_info` can answer an attachment without asking the driver.
"""

import importlib
import secrets
import string

_DRIVERS = {
    'tgt': 'novalite.volume.drivers.tgt.TgtDriver',
    'fake': 'novalite.volume.drivers.fake.FakeDriver',
}
_SECRET_SYMBOLS = string.ascii_letters + string.digits


def load_driver(name, conf):
    """The driver ``[volume] volume_driver`` names."""
    module_name, _, class_name = _DRIVERS[name].rpartition('.')
    return getattr(importlib.import_module(module_name), class_name)(conf)


def new_chap_credentials(volume):
    """A CHAP user name unique to the volume and a fresh random password."""
    password = ''.join(secrets.choice(_SECRET_SYMBOLS) for _ in range(20))
    return chap_username(volume), password


def chap_username(volume):
    """The CHAP user name of the volume's export, known before the export is recorded."""
    return 'vol-' + volume['uuid'].replace('-', '')[:20]


def target_iqn(conf, volume):
    return f"{conf.volume.target_prefix}volume-{volume['uuid']}"


def provider_location(conf, tid, iqn, lun=1):
    return f"{conf.volume.target_ip_address}:{conf.volume.target_port},{tid} {iqn} {lun}"


def connection_info(volume):
    """What a compute host needs to reach the volume, in the attachments API's flat form.

    Keys as Cinder's iSCSI drivers send them: ``driver_volume_type``,
    ``target_portal``, ``target_iqn``, ``target_lun``, ``auth_method``,
    ``auth_username``, ``auth_password``, ``volume_id``, ``encrypted``.
    """
    portal_tid, iqn, lun = volume['provider_location'].split()
    auth_method, username, password = volume['provider_auth'].split(' ', 2)
    return {'driver_volume_type': 'iscsi', 'target_discovered': False,
            'target_portal': portal_tid.split(',')[0], 'target_iqn': iqn,
            'target_lun': int(lun), 'auth_method': auth_method, 'auth_username': username,
            'auth_password': password, 'volume_id': volume['uuid'], 'encrypted': False,
            'qos_specs': None, 'access_mode': 'rw'}


def chap_of(volume):
    """``(username, password)`` of an exported volume."""
    _method, username, password = volume['provider_auth'].split(' ', 2)
    return username, password

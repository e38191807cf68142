"""Service binaries as the compute API names them: Nova's names on the wire.

The daemons and the ``services`` table keep novalite's names
(``novalite-compute``); the API shows Nova's (``nova-compute``), because
what reads it filters on them: operators' monitoring and scripts, and the
commands the clients document (``openstack compute service set HOST
nova-compute --disable``, which at 2.53 looks the service up with
``GET /os-services?binary=nova-compute``; novaclient's ``nova
service-disable HOST`` below 2.53, which sends ``nova-compute`` itself).
Either name is accepted on input. Binaries Nova has no name for
(``novalite-volume``) keep theirs.
"""

_NOVA_NAMES = {'novalite-compute': 'nova-compute', 'novalite-conductor': 'nova-conductor',
               'novalite-scheduler': 'nova-scheduler'}
_NOVALITE_NAMES = {nova: novalite for novalite, nova in _NOVA_NAMES.items()}


def shown(binary):
    """The name the API shows for the stored ``binary``."""
    return _NOVA_NAMES.get(binary, binary)


def stored(name):
    """The stored binary a request's ``name`` (Nova's or novalite's) means."""
    return _NOVALITE_NAMES.get(name, name)

"""``GET /servers/{id}/diagnostics`` (admin): what the hypervisor says of a guest.

From 2.48 the body has Nova's standard shape (``state``, ``cpu_details``,
``nic_details``, ``disk_details``, ``memory_details``...); before it, flat
hypervisor-specific counters (``cpu0_time``, ``vda_read``, ``tap..._rx``,
``memory``), as Nova's libvirt driver answered them.
"""

from novalite import exception
from novalite.api import microversion, servers, wsgi
from novalite.api.policies import diagnostics as rules

_NIC_LEGACY = (('rx', 'rx_octets'), ('rx_packets', 'rx_packets'), ('rx_errors', 'rx_errors'),
               ('rx_drop', 'rx_drop'), ('tx', 'tx_octets'), ('tx_packets', 'tx_packets'),
               ('tx_errors', 'tx_errors'), ('tx_drop', 'tx_drop'))
_DISK_LEGACY = (('read', 'read_bytes'), ('read_req', 'read_requests'), ('write', 'write_bytes'),
                ('write_req', 'write_requests'), ('errors', 'errors_count'))


def show(req, server_id):
    instance = servers.get_instance(req, server_id, rules.SHOW)
    if not instance['host']:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    found = servers.COMPUTE.get_diagnostics(wsgi.context(req), instance)
    if microversion.is_supported(req, '2.48'):
        return wsgi.json_response(_standard(found))
    return wsgi.json_response(_legacy(found))


def _standard(found):
    body = dict(found)
    body['disk_details'] = [{k: v for k, v in disk.items() if k != 'name'}
                            for disk in found['disk_details']]
    body['nic_details'] = [{k: v for k, v in nic.items() if k != 'name'}
                           for nic in found['nic_details']]
    return body


def _legacy(found):
    body = {f"cpu{cpu['id']}_time": cpu['time'] for cpu in found['cpu_details']}
    body['memory'] = found['memory_details']['maximum'] * 1024
    for disk in found['disk_details']:
        body.update({f"{disk['name']}_{key}": disk[field] for key, field in _DISK_LEGACY})
    for nic in found['nic_details']:
        body.update({f"{nic['name']}_{key}": nic[field] for key, field in _NIC_LEGACY})
    return body

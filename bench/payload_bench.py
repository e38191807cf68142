"""CPU cost of the RPC payloads of one boot: versioned objects against plain dicts.

Replays, in one process, the serializations a single boot makes across
daemons (both ends of each message) and prints the CPU microseconds per
boot each way. Steadier than the daemons' CPU in boot_bench.py on a
shared machine, which varies by more than this costs.

    python bench/payload_bench.py --boots 2000
"""

import argparse
import copy
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from novalite import objects, rpc  # noqa: E402
from tests.unit.objects.payloads import FLAVOR, instance_dict  # noqa: E402

SPEC = {'project_id': 'p1', 'user_id': 'u1', 'flavor': FLAVOR,
        'image': {'id': 'img-1', 'name': 'cirros', 'disk_format': 'qcow2',
                  'container_format': 'bare', 'size': 21233664, 'properties': {}},
        'availability_zone': None, 'scheduler_hints': {}, 'num_instances': 1,
        'instance_uuids': [instance_dict()['uuid']], 'ignore_hosts': [],
        'force_hosts': [], 'force_nodes': [], 'requested_networks': 'auto',
        'security_groups': ['default'], 'admin_password': None}
SELECTIONS = [{'host': f'compute{n}', 'nodename': f'compute{n}', 'compute_node_id': n,
               'availability_zone': 'nova', 'resources': {'vcpus': 1, 'memory_mb': 512,
                                                          'disk_gb': 1},
               'claimed': n == 1} for n in (1, 2, 3)]


class PlainSerializer:
    """What RPC did before objects: a JSON round trip out, nothing on the way in."""

    @staticmethod
    def serialize_entity(context, entity):
        return json.loads(json.dumps(entity, default=str))

    @staticmethod
    def deserialize_entity(context, entity):
        return entity


def _across(serializer, entity):
    """Send ``entity`` and receive it at the other end."""
    return serializer.deserialize_entity(None, serializer.serialize_entity(None, entity))


def boot_with_objects(serializer):
    # API -> conductor: schedule_and_build_instances.
    instances, spec = _across(serializer, (
        [objects.Instance.from_dict(instance_dict())], objects.RequestSpec.from_dict(SPEC)))
    # Conductor -> scheduler and back.
    _across(serializer, objects.RequestSpec.coerce(dict(spec)))
    hosts = _across(serializer, [[objects.Selection.from_dict(s) for s in SELECTIONS]])[0]
    # Conductor -> compute: build_and_run_instance.
    instance = instances[0]
    instance.update({'host': 'compute1', 'node': 'compute1'})
    _across(serializer, (instance, objects.RequestSpec.coerce(dict(spec)), hosts[1:]))
    # The compute's spawn step reads the instance back from the conductor.
    primitive = objects.base.primitive_at(objects.Instance.from_dict(instance_dict()),
                                          objects.base.manifest())
    _across(serializer, primitive)


def boot_with_dicts(serializer):
    instances, spec = _across(serializer, ([instance_dict()], copy.copy(SPEC)))
    _across(serializer, dict(spec))
    hosts = _across(serializer, [SELECTIONS])[0]
    _across(serializer, (dict(instances[0], host='compute1'), dict(spec), hosts[1:]))
    _across(serializer, instance_dict())


def _cpu_us_per_boot(boot, serializer, count):
    boot(serializer)
    started = time.process_time()
    for _ in range(count):
        boot(serializer)
    return (time.process_time() - started) / count * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--boots', type=int, default=2000)
    count = parser.parse_args().boots
    plain = _cpu_us_per_boot(boot_with_dicts, PlainSerializer(), count)
    versioned = _cpu_us_per_boot(boot_with_objects, rpc.RequestContextSerializer(), count)
    print(f'payload CPU per boot: dicts {plain:.0f} us, objects {versioned:.0f} us '
          f'(+{versioned - plain:.0f} us)')


if __name__ == '__main__':
    main()

"""Payloads as the services pass them: an instance dict, a flavor snapshot, rows."""

FLAVOR = {'id': 1, 'flavorid': '1', 'name': 'small', 'memory_mb': 512, 'vcpus': 1,
          'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0, 'rxtx_factor': 1.0,
          'extra_specs': {'hw:cpu_policy': 'shared'}}
UUID = '7d3c1a2e-6f4b-4f7e-9a51-2b8e0c1d9f00'
VIF = {'id': 'port-1', 'address': 'fa:16:3e:00:00:01', 'devname': 'tapport-1',
       'bridge': 'br100', 'network': {'label': 'private', 'cidr': '10.0.0.0/24',
                                      'gateway': '10.0.0.1', 'dns': [], 'mtu': 1500},
       'ips': [{'address': '10.0.0.5', 'version': 4}]}


def instance_dict(**values):
    """An instance dict as the conductor reads it, with ``values`` changed."""
    instance = {
        'id': 5, 'uuid': UUID, 'project_id': 'p1', 'user_id': 'u1', 'display_name': 'web',
        'display_description': None, 'hostname': 'web', 'host': 'compute1',
        'node': 'compute1', 'launched_on': 'compute1', 'image_ref': 'img-1',
        'kernel_id': None, 'ramdisk_id': None, 'flavor': dict(FLAVOR),
        'instance_type_id': 1, 'memory_mb': 512, 'vcpus': 1, 'root_gb': 1,
        'ephemeral_gb': 0, 'swap': 0, 'vm_state': 'building', 'task_state': 'spawning',
        'power_state': 0, 'availability_zone': 'nova', 'config_drive': '',
        'key_name': None, 'key_data': None, 'user_data': None,
        'system_metadata': {'image_disk_format': 'raw'}, 'reservation_id': 'r-1',
        'launch_index': 0, 'access_ip_v4': None, 'access_ip_v6': None, 'locked': False,
        'progress': 0, 'launched_at': None, 'terminated_at': None,
        'metadata': {'role': 'web'}, 'network_info': [VIF],
        'created_at': '2026-12-02T07:00:00', 'updated_at': None, 'deleted_at': None,
        'deleted': 0, 'name': 'instance-' + UUID}
    instance.update(values)
    return instance

BDM = {'id': 7, 'uuid': '9b0e2b8e-6ad3-4bd5-9f47-1d7c3ef1f2a4', 'instance_uuid': UUID,
       'source_type': 'volume', 'destination_type': 'volume', 'device_name': '/dev/vdb',
       'device_type': 'disk', 'disk_bus': 'virtio', 'boot_index': None, 'image_id': None,
       'snapshot_id': None, 'volume_id': '5c2f4a8e-0d64-4f0e-a3c6-5f6f0d2c3b1a',
       'volume_size': 1, 'volume_type': None, 'attachment_id': None,
       'delete_on_termination': False, 'connection_info': None, 'tag': 'data'}

# A node's report as the resource tracker makes it of the fake driver's view.
RESOURCES = {'vcpus': 8, 'memory_mb': 16384, 'local_gb': 100, 'vcpus_used': 1,
             'memory_mb_used': 512, 'local_gb_used': 1, 'running_vms': 1, 'free_disk_gb': 99,
             'hypervisor_type': 'fake', 'hypervisor_version': 1000,
             'hypervisor_hostname': 'compute1',
             'cpu_info': {'arch': 'x86_64', 'model': 'fake', 'vendor': 'novalite'},
             'supported_instances': [['x86_64', 'fake', 'hvm']],
             'availability_zone': 'nova', 'host_ip': '192.0.2.10', 'reserved_host_cpus': 0,
             'reserved_host_memory_mb': 512, 'reserved_host_disk_mb': 0,
             'cpu_allocation_ratio': 16.0, 'ram_allocation_ratio': 1.5,
             'disk_allocation_ratio': 1.0}

SERVICE = {'id': 3, 'uuid': 'c4f0a3e2-1b7d-4e0a-8f52-6d9e1b2a3c4d', 'host': 'compute1',
           'binary': 'novalite-compute', 'topic': 'compute', 'report_count': 4,
           'disabled': False, 'disabled_reason': None, 'forced_down': False,
           'last_seen_up': '2026-12-02T07:00:40', 'version': 0,
           'created_at': '2026-12-02T07:00:00', 'updated_at': '2026-12-02T07:00:40',
           'deleted_at': None, 'deleted': 0}

# A compute_nodes row as the conductor reads it back after a report of RESOURCES.
COMPUTE_NODE = {'id': 1, 'uuid': '3f8d2c1b-5e6a-4b7c-8d9e-0a1b2c3d4e5f', 'host': 'compute1',
                'hypervisor_hostname': 'compute1', 'hypervisor_type': 'fake',
                'hypervisor_version': 1000,
                'cpu_info': '{"arch": "x86_64", "model": "fake", "vendor": "novalite"}',
                'host_ip': '192.0.2.10', 'availability_zone': 'nova',
                'supported_instances': '[["x86_64", "fake", "hvm"]]', 'vcpus': 8,
                'memory_mb': 16384, 'local_gb': 100, 'vcpus_used': 1, 'memory_mb_used': 512,
                'local_gb_used': 1, 'free_disk_gb': 99, 'running_vms': 1,
                'reserved_host_cpus': 0, 'reserved_host_memory_mb': 512,
                'reserved_host_disk_mb': 0, 'cpu_allocation_ratio': 16.0,
                'ram_allocation_ratio': 1.5, 'disk_allocation_ratio': 1.0, 'generation': 2,
                'created_at': '2026-12-02T07:00:00', 'updated_at': '2026-12-02T07:00:40',
                'deleted_at': None, 'deleted': 0}

# A server_migrations row of an evacuation away from compute1, every column.
EVACUATION = {'id': 9, 'uuid': 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'instance_uuid': UUID,
              'migration_type': 'evacuation', 'status': 'done', 'source_compute': 'compute1',
              'source_node': 'compute1', 'dest_compute': 'compute2', 'dest_node': 'compute2',
              'dest_host': None, 'old_instance_type_id': 1, 'new_instance_type_id': 1,
              'hidden': False, 'memory_total': None, 'memory_processed': None,
              'memory_remaining': None, 'disk_total': None, 'disk_processed': None,
              'disk_remaining': None, 'cross_cell_move': False, 'user_id': 'u1',
              'project_id': 'p1', 'created_at': '2026-12-02T07:00:00', 'updated_at': None,
              'deleted_at': None, 'deleted': 0}
# What a conductor older than 1.11 answers of it.
EVACUATION_1_6 = {key: EVACUATION[key] for key in (
    'uuid', 'instance_uuid', 'status', 'source_compute', 'source_node', 'dest_compute',
    'dest_node')}

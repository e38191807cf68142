"""Sample data for the libvirt driver tests: instances, vifs, disks, an image store."""

import base64
import subprocess
import uuid

from novalite.image import local as local_image


class CountingImageService(local_image.LocalImageService):
    """The local image service, counting downloads per image id."""

    def __init__(self, images_path):
        super().__init__(images_path)
        self.downloads = {}

    def download(self, image_id, dest_path):
        self.downloads[image_id] = self.downloads.get(image_id, 0) + 1
        return super().download(image_id, dest_path)


def make_disk(path, fmt='raw', size='8M', backing=None):
    cmd = ['qemu-img', 'create', '-q', '-f', fmt]
    if backing:
        cmd += ['-F', 'raw', '-b', backing]
    subprocess.run([*cmd, str(path), size], check=True)
    return str(path)


def make_instance(**overrides):
    instance_uuid = str(uuid.uuid4())
    instance = {
        'uuid': instance_uuid, 'name': f'instance-{instance_uuid}',
        'hostname': 'vm-one', 'display_name': 'VM one', 'vcpus': 1, 'memory_mb': 128,
        'root_gb': 0, 'ephemeral_gb': 0, 'swap': 0, 'flavor': {'name': 'm1.tiny'},
        'image_ref': None, 'kernel_id': '', 'ramdisk_id': '', 'metadata': {'role': 'test'},
        'system_metadata': {}, 'key_name': 'mykey',
        'key_data': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 me@here',
        'user_data': base64.b64encode(b'#!/bin/sh\necho hello\n').decode(),
        'config_drive': True, 'availability_zone': 'nova', 'project_id': 'p1',
        'user_id': 'u1', 'host': 'host1', 'node': 'host1', 'launch_index': 0,
    }
    instance.update(overrides)
    return instance


def make_vif(port_id=None, address='10.250.0.5'):
    port_id = port_id or str(uuid.uuid4())
    return {'id': port_id, 'address': 'fa:16:3e:00:00:05', 'devname': 'tap' + port_id[:11],
            'bridge': 'br100',
            'network': {'id': str(uuid.uuid4()), 'label': 'private', 'cidr': '10.250.0.0/24',
                        'gateway': '10.250.0.1', 'dns': ['10.250.0.2'], 'mtu': 1400},
            'ips': [{'address': address, 'version': 4}]}

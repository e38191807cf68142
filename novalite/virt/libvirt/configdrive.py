"""The config drive: instance metadata on an ISO9660 image cloud-init reads.

Nova's layout, volume label ``config-2``, Joliet and Rock Ridge names:
``openstack/<version>/meta_data.json``, ``user_data``, ``vendor_data.json``,
``network_data.json`` and ``vendor_data2.json`` for every metadata version
that had the file, the same under ``openstack/latest``, and injected files
under ``openstack/content/``; the files are :mod:`novalite.metadata.content`'s,
the ones the metadata service serves. Built in memory with pycdlib: no
genisoimage, no temporary tree on disk.
"""

import io

import pycdlib

from novalite.metadata import content

VOLUME_LABEL = 'config-2'
FILE_NAME = 'disk.config'


def required(instance, conf):
    """Whether ``instance`` gets a config drive (asked for, or forced by config)."""
    return bool(instance.get('config_drive')) or conf.force_config_drive


def files(instance, network_info, injected_files=(), admin_password=None):
    """``{path on the drive: bytes}`` of every file of the config drive."""
    latest = content.meta_data(instance, injected_files, admin_password)
    network = content.network_data(network_info)
    udata = content.user_data(instance)
    out = {}
    for version in (*content.VERSIONS, content.LATEST):
        for name, data in content.version_files(version, latest, network, udata).items():
            out[f'openstack/{version}/{name}'] = data
    for index, (_path, data) in enumerate(injected_files):
        out[f'openstack/content/{index:04d}'] = (
            data.encode() if isinstance(data, str) else bytes(data))
    return out


def write_iso(path, contents):
    """Write ``{relative path: bytes}`` as an ISO9660 image labelled ``config-2``."""
    iso = pycdlib.PyCdlib()
    # Level 4 keeps Nova's lower-case names in the plain ISO9660 tree too.
    iso.new(interchange_level=4, joliet=3, rock_ridge='1.09', vol_ident=VOLUME_LABEL)
    made = set()
    for rel in sorted(contents):
        parts = rel.split('/')
        for depth in range(1, len(parts)):
            _add_directory(iso, '/' + '/'.join(parts[:depth]), made)
        data = contents[rel]
        iso.add_fp(io.BytesIO(data), len(data), '/' + rel, rr_name=parts[-1],
                   joliet_path='/' + rel)
    iso.write(path)
    iso.close()


def _add_directory(iso, directory, made):
    if directory in made:
        return
    iso.add_directory(directory, rr_name=directory.rsplit('/', 1)[-1],
                      joliet_path=directory)
    made.add(directory)


def build(path, instance, network_info, injected_files=(), admin_password=None):
    """Build the config drive of ``instance`` at ``path``.

    :raises InstanceDeployFailure: the user data is not base64.
    """
    write_iso(path, files(instance, network_info, injected_files, admin_password))

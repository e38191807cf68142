"""Volumes as sparse raw files exported by tgtd, one iSCSI target and CHAP account each.

Files live in ``[volume] volumes_dir`` named by volume id; a snapshot is a
sparse copy of its volume's file there (``snapshot-<id>``: ``cp
--reflink=auto``, so a filesystem that shares blocks copies none). A new volume is
exported at once (as Cinder's tgt helper does), so attaching needs no work
on the storage host; a re-image (os-reimage) writes the new image into the
same file; tgtd forgets everything when it restarts, so
:meth:`TgtDriver.ensure_export` re-creates each target with its stored IQN
and credentials when the volume service starts.
"""

import json
import os
import tempfile

from oslo_concurrency import processutils
from oslo_log import log as logging

from novalite import exception
from novalite.volume import drivers, tgtadm

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3


class TgtDriver:
    def __init__(self, conf):
        self.conf = conf
        self.tgt = tgtadm.TgtAdm(conf.volume.tgt_control_port)

    def _path(self, volume):
        return os.path.join(self.conf.volume.volumes_dir, volume['uuid'])

    def create_volume(self, volume):
        """A sparse file of the volume's size: no blocks are written until the guest does."""
        os.makedirs(self.conf.volume.volumes_dir, exist_ok=True)
        with open(self._path(volume), 'xb') as f:
            f.truncate(volume['size'] * GiB)

    def create_volume_from_image(self, volume, image_service, image):
        """Write the image's data, converted to raw, into a new volume.

        :raises InvalidVolume: the image's virtual size exceeds the volume.
        """
        os.makedirs(self.conf.volume.volumes_dir, exist_ok=True)
        self._write_image(volume, image_service, image)
        with open(self._path(volume), 'r+b') as f:
            f.truncate(volume['size'] * GiB)

    def reimage(self, volume, image_service, image):
        """Write the image's data over an existing volume's, in the same file.

        tgtd serves the file it opened: the data is replaced in place (the
        file emptied, then the image written into it), never by a new file.

        :raises InvalidVolume: the image's virtual size exceeds the volume.
        """
        self._write_image(volume, image_service, image, in_place=True)

    def _write_image(self, volume, image_service, image, in_place=False):
        with tempfile.TemporaryDirectory(dir=self.conf.volume.volumes_dir) as tmp:
            if hasattr(image_service, 'verified_path'):
                # The image store is on this host: convert from it, no copy.
                _record, source = image_service.verified_path(image['id'])
            else:
                source = os.path.join(tmp, 'image')
                image_service.download(image['id'], source)
            fmt = 'qcow2' if image.get('disk_format') == 'qcow2' else 'raw'
            virtual = self._virtual_size(source, fmt)
            if virtual > volume['size'] * GiB:
                raise exception.InvalidVolume(
                    reason=f"image {image['id']} is {virtual} bytes, larger than the "
                           f"{volume['size']} GiB volume")
            command = ['qemu-img', 'convert', '-f', fmt, '-O', 'raw', '-S', '4k']
            if in_place:
                # Zeros (holes) where the image has no data, not the old data.
                with open(self._path(volume), 'r+b') as f:
                    f.truncate(0)
                    f.truncate(volume['size'] * GiB)
                command.append('-n')
            processutils.execute(*command, source, self._path(volume))

    @staticmethod
    def _virtual_size(path, fmt):
        out, _err = processutils.execute('qemu-img', 'info', '-f', fmt, '--output', 'json',
                                         path)
        return int(json.loads(out)['virtual-size'])

    def _snapshot_path(self, snapshot):
        return os.path.join(self.conf.volume.volumes_dir, 'snapshot-' + snapshot['uuid'])

    def create_snapshot(self, snapshot, volume):
        """Copy the volume's file as it is now.

        The copy is not one point in time: blocks a guest writes meanwhile may
        be copied before or after the write (a reflink, where the filesystem
        has them, is atomic).
        """
        _sparse_copy(self._path(volume), self._snapshot_path(snapshot))

    def create_volume_from_snapshot(self, volume, snapshot):
        """The snapshot's data in a new volume, grown to the volume's size."""
        _sparse_copy(self._snapshot_path(snapshot), self._path(volume))
        with open(self._path(volume), 'r+b') as f:
            f.truncate(volume['size'] * GiB)

    def delete_snapshot(self, snapshot):
        try:
            os.remove(self._snapshot_path(snapshot))
        except FileNotFoundError:
            LOG.debug("Snapshot %s had no file", snapshot['uuid'])

    def delete_volume(self, volume):
        try:
            os.remove(self._path(volume))
        except FileNotFoundError:
            LOG.debug("Volume %s had no file", volume['uuid'])

    def extend_volume(self, volume, new_size):
        with open(self._path(volume), 'r+b') as f:
            f.truncate(new_size * GiB)
        if volume.get('provider_location'):
            self.tgt.refresh_lun(drivers.target_iqn(self.conf, volume), self._path(volume))

    def create_export(self, volume):
        username, password = drivers.new_chap_credentials(volume)
        iqn = drivers.target_iqn(self.conf, volume)
        tid = self.tgt.create_target(iqn, self._path(volume), username, password)
        return {'provider_location': drivers.provider_location(self.conf, tid, iqn),
                'provider_auth': f'CHAP {username} {password}'}

    def ensure_export(self, volume):
        username, password = drivers.chap_of(volume)
        self.tgt.ensure_target(drivers.target_iqn(self.conf, volume), self._path(volume),
                               username, password)

    def remove_export(self, volume):
        # Also when none is recorded: a create interrupted after its export
        # leaves a target that no row names.
        self.tgt.delete_target(drivers.target_iqn(self.conf, volume),
                               drivers.chap_username(volume))


def _sparse_copy(source, target):
    """Copy a file, leaving holes where it has zeros (and sharing blocks where the
    filesystem can)."""
    processutils.execute('cp', '--reflink=auto', '--sparse=always', source, target)

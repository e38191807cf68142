"""Copy an instance's files from another compute host (``[libvirt] disk_transfer``).

The destination pulls; the source only has to be reachable:

* ``libvirt``: through the source's libvirtd, the connection live migration
  already needs. A transient ``dir`` storage pool over the source's
  instance directory makes each file a volume, downloaded as a stream; the
  pool is destroyed afterwards (that leaves the files alone).
* ``rsync``: ``rsync -S`` over ssh from the source's address, as Nova
  copies disks (the hosts need ssh keys for each other).
"""

import os
import uuid

import libvirt
from oslo_concurrency import processutils
from oslo_log import log as logging

from novalite import concurrency, exception

LOG = logging.getLogger(__name__)

_POOL_XML = "<pool type='dir'><name>{name}</name><target><path>{path}</path></target></pool>"


def fetch(conf, source_uri, source_addr, source_dir, names, dest_dir):
    """Copy ``names`` from ``source_dir`` on the source host into ``dest_dir``.

    :raises MigrationError: the source cannot be reached or a file is missing.
    """
    os.makedirs(dest_dir, exist_ok=True)
    method = conf.libvirt.disk_transfer
    try:
        if method == 'rsync':
            _rsync(source_addr, source_dir, names, dest_dir)
        else:
            concurrency.tpool_execute(_download_all, source_uri, source_dir, names, dest_dir)
    except (libvirt.libvirtError, processutils.ProcessExecutionError, OSError) as exc:
        raise exception.MigrationError(
            reason=f"copying {', '.join(names)} from {source_addr} failed: {exc}") from exc
    LOG.info('Copied %s from %s:%s (%s)', ', '.join(names), source_addr, source_dir, method)


def copy_local(source_dir, names, dest_dir):
    """Copy ``names`` from ``source_dir`` on this host, sparse (a resize to the same host)."""
    os.makedirs(dest_dir, exist_ok=True)
    try:
        processutils.execute('cp', '--sparse=always', '--',
                             *[os.path.join(source_dir, name) for name in names], dest_dir)
    except processutils.ProcessExecutionError as exc:
        raise exception.MigrationError(reason=f"copying {', '.join(names)} failed: {exc}") \
            from exc


def _download_all(source_uri, source_dir, names, dest_dir):
    conn = libvirt.open(source_uri)
    try:
        pool = conn.storagePoolCreateXML(
            _POOL_XML.format(name=f'novalite-xfer-{uuid.uuid4().hex[:12]}', path=source_dir), 0)
        try:
            for name in names:
                _download(conn, pool.storageVolLookupByName(name),
                          os.path.join(dest_dir, name))
        finally:
            pool.destroy()
    finally:
        conn.close()


def _download(conn, volume, path):
    partial = path + '.part'
    stream = conn.newStream(0)
    with open(partial, 'wb') as f:
        volume.download(stream, 0, 0, 0)
        stream.recvAll(lambda _stream, data, out: out.write(data), f)
        stream.finish()
    os.replace(partial, path)


def _rsync(source_addr, source_dir, names, dest_dir):
    sources = [f'{source_addr}:{os.path.join(source_dir, name)}' for name in names]
    processutils.execute('rsync', '--sparse', '--compress', '-e',
                         'ssh -o BatchMode=yes', *sources, dest_dir + '/')

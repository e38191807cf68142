"""``qemu-img``: inspect images and create the disk files of guests.

Inspection runs under CPU and memory limits because it parses untrusted
image headers; it never takes the format from the caller, so that what
``qemu-img`` probes is what the image really is.
"""

import json

from oslo_concurrency import processutils

from novalite import exception

_INSPECT_ADDRESS_SPACE = 1024 * 1024 * 1024


def info(path, cpu_seconds=30):
    """``qemu-img info`` of ``path`` as a dict (``format``, ``virtual-size``, ...).

    :raises ImageUnacceptable: qemu-img cannot read the file.
    """
    limits = processutils.ProcessLimits(cpu_time=cpu_seconds,
                                        address_space=_INSPECT_ADDRESS_SPACE)
    try:
        # --force-share: bases are open read-only by running guests.
        out, _err = processutils.execute(
            'qemu-img', 'info', '--output=json', '--force-share', path,
            prlimit=limits, env_variables={'LC_ALL': 'C'})
    except processutils.ProcessExecutionError as exc:
        raise exception.ImageUnacceptable(
            image_id=path, reason=f"qemu-img info failed: {exc.stderr.strip()}") from exc
    return json.loads(out)


def data_file(image_info):
    """External data file of a qcow2 image, or None."""
    specific = image_info.get('format-specific') or {}
    return (specific.get('data') or {}).get('data-file')


def create_overlay(path, backing_path, backing_format, size_bytes):
    """A qcow2 at ``path`` backed by ``backing_path``, ``size_bytes`` big."""
    processutils.execute('qemu-img', 'create', '-f', 'qcow2', '-F', backing_format,
                         '-b', backing_path, path, str(size_bytes))


def create_blank(path, size_bytes):
    """An empty (unformatted) qcow2 of ``size_bytes``."""
    processutils.execute('qemu-img', 'create', '-f', 'qcow2', path, str(size_bytes))


def rebase_unsafe(path, backing_path, backing_format):
    """Point the qcow2 at ``path`` to ``backing_path`` (same content, another place)."""
    processutils.execute('qemu-img', 'rebase', '-u', '-F', backing_format, '-b', backing_path,
                         path)


def grow(path, size_bytes):
    """Grow the disk at ``path`` to ``size_bytes`` (never shrinks)."""
    if int(info(path)['virtual-size']) < size_bytes:
        processutils.execute('qemu-img', 'resize', path, str(size_bytes))

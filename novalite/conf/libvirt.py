"""Options of the libvirt virt driver."""

from oslo_config import cfg

libvirt_opts = [
    cfg.StrOpt('connection_uri',
               default='qemu:///system',
               help="""
libvirt URI the driver connects to. ``qemu:///system`` is the local system
daemon; a ``?socket=PATH`` suffix reaches a daemon listening elsewhere, and
``test:///default`` is libvirt's in-process test hypervisor (unit tests).
The driver reconnects by itself when the connection drops.
"""),
    cfg.StrOpt('virt_type',
               default='kvm',
               choices=['kvm', 'qemu'],
               help="""
Domain type of the guests: ``kvm`` for hardware acceleration, ``qemu`` for
TCG emulation where KVM is not available.
"""),
    cfg.IntOpt('snapshot_timeout',
               default=1800,
               min=1,
               help="""
Seconds the backup job of a live snapshot may take to copy the root disk;
past it the job is aborted and the snapshot fails (its image is deleted).
"""),
    cfg.IntOpt('spawn_timeout',
               default=300,
               min=1,
               help="""
Seconds a new guest gets to reach the running state after its domain is
started. On timeout the spawn fails with InstanceDeployFailure after the
guest and its files are removed, and the compute manager reschedules.
"""),
    cfg.IntOpt('remove_unused_base_images_min_age_seconds',
               default=86400,
               min=0,
               help="""
A cached base image in ``$instances_path/_base`` that no instance of this
host uses is removed by the image cache manager once it has gone unused for
this many seconds. Base images in use are touched on every cache manager run,
so the age counts from the last time an instance used the image.

Related options: ``[DEFAULT] instances_path``.
"""),
    cfg.IntOpt('image_inspect_cpu_seconds',
               default=30,
               min=1,
               help="""
CPU time limit for ``qemu-img info`` when inspecting a downloaded image: a
crafted image must not keep the compute host busy.
"""),
    cfg.StrOpt('volume_connector',
               default='qemu',
               choices=[('qemu', "QEMU's own iSCSI initiator: a libvirt network disk, CHAP "
                                 "through a libvirt secret; nothing on the host"),
                        ('os-brick', "os-brick logs the host in (open-iscsi) and the guest "
                                     "gets the host's block device; needs the kernel's iSCSI "
                                     "initiator and the os-brick package")],
               help="""
How iSCSI volumes reach guests. ``os-brick`` is for hosts whose kernel has
iSCSI support; novalite's tests cover it with unit tests only.
"""),
    cfg.IntOpt('volume_detach_timeout',
               default=30,
               min=1,
               help="""
Seconds a running guest gets to release a hot-unplugged volume before the
detach fails (the guest OS must acknowledge the unplug).
"""),
]


def register_opts(conf):
    conf.register_opts(libvirt_opts, group='libvirt')


def list_opts():
    return {'libvirt': libvirt_opts}

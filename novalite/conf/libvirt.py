"""Options of the libvirt virt driver."""

from oslo_config import cfg

libvirt_opts = [
    cfg.StrOpt('connection_uri',
               default='qemu:///system',
               help="libvirt URI the driver connects to."),
    cfg.StrOpt('virt_type',
               default='kvm',
               choices=['kvm', 'qemu'],
               help="""
Domain type of the guests: ``kvm`` for hardware acceleration, ``qemu`` for
TCG emulation where KVM is not available.
"""),
]


def register_opts(conf):
    conf.register_opts(libvirt_opts, group='libvirt')


def list_opts():
    return {'libvirt': libvirt_opts}

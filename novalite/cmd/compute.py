"""novalite-compute: owns the instances of one hypervisor host. Holds no DB credentials."""

from novalite import preflight
from novalite.cmd import common


def main():
    from novalite import servicegroup
    from novalite.compute import manager

    common.run('novalite-compute', 'compute', manager.ComputeManager,
               servicegroup.ConductorServiceGroup, check=preflight.libvirt_host)

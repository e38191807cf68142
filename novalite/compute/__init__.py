"""The compute service: owns the instances on one hypervisor host."""

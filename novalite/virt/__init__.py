"""Virt drivers: what the compute manager drives (fake in memory, or libvirt)."""

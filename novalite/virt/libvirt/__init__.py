"""The libvirt virt driver, one module per job; :mod:`.driver` ties them together."""

"""What an instance learns about itself: its metadata, user data and network data.

:mod:`.content` builds the OpenStack-format files once for both readers,
the config drive (:mod:`novalite.virt.libvirt.configdrive`) and the
metadata service (``novalite-metadata``, :mod:`.handler`), which also
serves the EC2-style tree (:mod:`.ec2`) to instances it identifies
(:mod:`.requester`).
"""

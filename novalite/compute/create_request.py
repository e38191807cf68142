"""What ``POST /servers`` asks for, as one object the create path checks and carries.

The API layer builds it from the request body (ids already taken out of
``flavorRef``/``imageRef`` hrefs); :mod:`novalite.compute.create_checks`
resolves it against the database and the image service, and
:mod:`novalite.compute.create` turns it into instance rows and a build.
"""

import dataclasses


@dataclasses.dataclass
class CreateRequest:
    """A server create request.

    :param flavor_id: the flavor's ``flavorid``.
    :param image_id: the image to boot on a local disk; ``''`` for a server
        booted from a volume.
    :param block_device_mapping: the volumes to make or attach at boot, the
        boot volume first (:func:`novalite.compute.block_device.from_api`).
    :param availability_zone: ``zone``, or ``zone:host[:node]`` to force a
        host (the caller checked the policy that allows it).
    :param requested_networks: ``'auto'``, ``'none'``, a list of
        ``{'uuid', 'fixed_ip', 'port'}`` dicts, or None (the default network).
    :param auto_disk_config: None to take the image's ``auto_disk_config``.
    :param tags: tags every server gets (2.52).
    :param personality: ``[{'path', 'contents' (base64)}]`` written into the
        config drive (before 2.57).
    :param hostname: the guest's host name (2.90) instead of one derived from
        the name; the caller checked a single server is asked for.
    :param requested_host: the host the scheduler must pick, through the
        filters (2.74, the caller checked the policy and that it exists).
    """

    flavor_id: str
    image_id: str | None
    name: str | None = None
    min_count: int = 1
    max_count: int = 1
    metadata: dict = dataclasses.field(default_factory=dict)
    user_data: str | None = None
    key_name: str | None = None
    availability_zone: str | None = None
    config_drive: bool = False
    scheduler_hints: dict = dataclasses.field(default_factory=dict)
    requested_networks: object = None
    admin_password: str | None = None
    description: str | None = None
    access_ip_v4: str | None = None
    access_ip_v6: str | None = None
    auto_disk_config: bool | None = None
    security_groups: list = dataclasses.field(default_factory=lambda: ['default'])
    tags: list = dataclasses.field(default_factory=list)
    personality: list = dataclasses.field(default_factory=list)
    block_device_mapping: list = dataclasses.field(default_factory=list)
    hostname: str | None = None
    requested_host: str | None = None

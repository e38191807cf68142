"""The checks of a create request: everything a user can fail, before the first write.

Each check raises :class:`~novalite.exception.Invalid` (a 400) with Nova's
message, so a refused request changes nothing. :func:`check` runs them all
and returns what the request resolved to.
"""

import dataclasses

from novalite import exception
from novalite.compute import block_device
from novalite.conf import CONF
from novalite.db import flavors, keypairs, services
from novalite.network import api as network_api


@dataclasses.dataclass
class Resolved:
    """The database and image records a checked request names."""

    flavor: dict
    image: dict
    key_data: str | None
    zone: str | None
    # The volume mappings, checked and with device names (block_device.validate).
    block_device_mapping: list = dataclasses.field(default_factory=list)


def check(context, request, image_service):
    """Run every check of ``request``; returns its :class:`Resolved` records.

    An image whose block device mapping holds the root (the image of a
    volume-backed server) makes a volume-backed server: its ``image_ref``
    stays empty, as for any server booted from a volume.

    :raises Invalid: a bad count, flavor, image, key pair, zone or network.
    """
    check_counts(request.min_count, request.max_count)
    flavor = resolve_flavor(context, request.flavor_id)
    mappings, image = request.block_device_mapping, None
    if request.image_id:
        image = show_image(context, image_service, request.image_id)
        mappings = block_device.merge_image_mappings(image, mappings)
    if block_device.is_volume_backed(mappings):
        # The flavor's root disk is not used: the image goes into the boot volume.
        boot_image = block_device.validate(context, mappings, image_service, request.max_count)
        image = image or boot_image
        check_memory(image, flavor)
    else:
        if image is None:
            raise exception.Invalid("Missing imageRef attribute")
        check_image_fits(image, flavor)
        if mappings:
            block_device.validate(context, mappings, image_service, request.max_count)
    key_data = key_data_of(context, request.key_name)
    zone = check_zone(request.availability_zone)
    check_networks(request.requested_networks)
    return Resolved(flavor, image, key_data, zone, mappings)


def check_counts(min_count, max_count):
    if min_count > max_count:
        raise exception.Invalid("min_count must be <= max_count")
    limit = CONF.api.max_servers_per_request
    if max_count > limit:
        raise exception.Invalid(
            f"max_count {max_count} exceeds the {limit} servers one request may create")


def resolve_flavor(context, flavor_id):
    # Another project's private flavor is no flavor at all to this caller.
    project_id = None if context.is_admin else context.project_id
    try:
        flavor = flavors.flavor_get_by_flavorid(flavor_id, project_id=project_id)
    except exception.FlavorNotFound:
        raise exception.Invalid("Invalid flavorRef provided.") from None
    if flavor.get('disabled'):
        raise exception.Invalid("Flavor is disabled.")
    return flavor


def show_image(context, image_service, image_id):
    """The active image ``image_id``. :raises Invalid: unknown or not active."""
    try:
        # As the caller: a user boots only images it may see.
        image = image_service.show(image_id, context)
    except exception.ImageNotFound:
        raise exception.Invalid("Can not find requested image") from None
    if image.get('status') != 'active':
        raise exception.Invalid(f"Image {image_id} is not active.")
    return image


def check_memory(image, flavor):
    if int(image.get('min_ram') or 0) > flavor['memory_mb']:
        raise exception.Invalid("Flavor's memory is too small for requested image.")


def check_image_fits(image, flavor):
    check_memory(image, flavor)
    root_bytes = flavor['root_gb'] * 1024 ** 3
    if not root_bytes:
        return  # a zero root disk is sized from the image
    size = int(image.get('size') or 0)
    if size > root_bytes:
        raise exception.Invalid(
            f"Flavor's disk is too small for requested image. Flavor disk is "
            f"{root_bytes} bytes, image is {size} bytes.")
    min_bytes = int(image.get('min_disk') or 0) * 1024 ** 3
    if min_bytes > root_bytes:
        raise exception.Invalid(
            f"Flavor's disk is smaller than the minimum size specified in image "
            f"metadata. Flavor disk is {root_bytes} bytes, minimum size is "
            f"{min_bytes} bytes.")


def key_data_of(context, key_name):
    if key_name is None:
        return None
    try:
        return keypairs.keypair_get(context.user_id, key_name)['public_key']
    except exception.KeypairNotFound:
        raise exception.Invalid("Invalid key_name provided.") from None


def availability_zones():
    """Zones servers may ask for: those of compute nodes, and the default one."""
    zones = set(services.zones_by_host().values())
    zones.add(CONF.default_availability_zone)
    return zones


def check_zone(availability_zone):
    """The zone part of ``zone[:host[:node]]``; checks zone and host exist."""
    if not availability_zone:
        return None
    zone, _sep, target = availability_zone.partition(':')
    host = target.split(':', 1)[0]
    if zone and zone not in availability_zones():
        raise exception.Invalid("The requested availability zone is not available")
    if host and not services.compute_node_get_all(host=host):
        raise exception.Invalid(f"Compute host {host} could not be found.")
    return zone or None


def check_networks(requested_networks):
    if not isinstance(requested_networks, list):
        return
    for network in requested_networks:
        if network.get('port'):
            raise exception.Invalid(
                "Ports are not supported: novalite manages one flat network; "
                "request it by network uuid, 'auto' or 'none'")
    known = network_api.ensure_network()['uuid']
    for network in requested_networks:
        if network.get('uuid') != known:
            raise exception.Invalid(f"Network {network.get('uuid')} could not be found.")

"""Aggregate and availability zone commands, as novaclient spells them (administrators)."""

from novalite.cli import base, commands, tables

_COLUMNS = ['Id', 'Name', 'Availability Zone', 'Hosts', 'Metadata']


def _show(aggregate, args):
    if args.format == 'json':
        tables.print_json(aggregate)
    else:
        tables.print_list([aggregate], _COLUMNS)


def do_aggregate_create(client, args):
    """Create an aggregate of hosts, optionally an availability zone of its own."""
    _show(client.aggregates.create(args.name, args.availability_zone), args)


def do_aggregate_list(client, args):
    """List the aggregates with their hosts and metadata."""
    aggregates = client.aggregates.list()
    if args.format == 'json':
        tables.print_json(aggregates)
    else:
        tables.print_list(aggregates, _COLUMNS)


def do_aggregate_show(client, args):
    """Show an aggregate."""
    _show(client.aggregates.resolve(args.aggregate), args)


def do_aggregate_update(client, args):
    """Rename an aggregate or change its availability zone."""
    if args.name is None and args.availability_zone is None:
        raise commands.UsageError('give --name or --availability-zone')
    aggregate_id = client.aggregates.resolve_id(args.aggregate)
    _show(client.aggregates.update(aggregate_id, args.name, args.availability_zone), args)


def do_aggregate_set_metadata(client, args):
    """Set aggregate metadata: KEY=VALUE sets a key, a bare KEY removes it."""
    metadata = {}
    for item in args.metadata:
        key, sep, value = item.partition('=')
        if not key:
            raise commands.UsageError(f"'{item}' is not KEY=VALUE or KEY")
        metadata[key] = value if sep else None
    aggregate_id = client.aggregates.resolve_id(args.aggregate)
    _show(client.aggregates.set_metadata(aggregate_id, metadata), args)


def do_aggregate_add_host(client, args):
    """Add a compute host to an aggregate (and so to its availability zone)."""
    aggregate_id = client.aggregates.resolve_id(args.aggregate)
    _show(client.aggregates.add_host(aggregate_id, args.host), args)


def do_aggregate_remove_host(client, args):
    """Remove a compute host from an aggregate."""
    aggregate_id = client.aggregates.resolve_id(args.aggregate)
    _show(client.aggregates.remove_host(aggregate_id, args.host), args)


def do_aggregate_delete(client, args):
    """Delete an aggregate; it must have no hosts."""
    client.aggregates.delete(client.aggregates.resolve_id(args.aggregate))


def do_aggregate_cache_images(client, args):
    """Pre-cache images on every compute host of an aggregate, so that boots there
    need not download them (microversion 2.81); the hosts fetch them in the background."""
    aggregate_id = client.aggregates.resolve_id(args.aggregate)
    # IDs go as they are and the API checks them; names are looked up.
    image_ids = [image if base.is_uuid_like(image) else client.images.resolve_id(image)
                 for image in args.images]
    client.aggregates.cache_images(aggregate_id, image_ids)


def do_availability_zone_list(client, args):
    """List the availability zones (with their hosts and services for an admin)."""
    zones = client.availability_zones.list(detailed=args.detail)
    if args.format == 'json':
        tables.print_json(zones)
        return
    tables.print_list(zones, ['Name', 'Available', 'Hosts'], {
        'Name': lambda z: z.get('zoneName'),
        'Available': lambda z: (z.get('zoneState') or {}).get('available'),
        'Hosts': lambda z: sorted(z.get('hosts') or {})})


def _aggregate(parser):
    parser.add_argument('aggregate', metavar='AGGREGATE', help='Name or ID of the aggregate.')
    commands.add_format(parser)
    return parser


def register(subparsers):
    p = commands.add(subparsers, 'aggregate-create', do_aggregate_create)
    p.add_argument('name', metavar='NAME', help='Name of the aggregate.')
    p.add_argument('availability_zone', metavar='AVAILABILITY_ZONE', nargs='?',
                   help='Its availability zone.')
    commands.add_format(p)
    commands.add_format(commands.add(subparsers, 'aggregate-list', do_aggregate_list))
    _aggregate(commands.add(subparsers, 'aggregate-show', do_aggregate_show))
    p = _aggregate(commands.add(subparsers, 'aggregate-update', do_aggregate_update))
    p.add_argument('--name', metavar='NAME', help='New name.')
    p.add_argument('--availability-zone', metavar='AZ', help='New availability zone.')
    p = _aggregate(commands.add(subparsers, 'aggregate-set-metadata',
                                do_aggregate_set_metadata))
    p.add_argument('metadata', metavar='KEY[=VALUE]', nargs='+',
                   help='KEY=VALUE to set, KEY to remove.')
    for name, func in (('aggregate-add-host', do_aggregate_add_host),
                       ('aggregate-remove-host', do_aggregate_remove_host)):
        p = _aggregate(commands.add(subparsers, name, func))
        p.add_argument('host', metavar='HOST', help='The compute host.')
    p = commands.add(subparsers, 'aggregate-cache-images', do_aggregate_cache_images)
    p.add_argument('aggregate', metavar='AGGREGATE', help='Name or ID of the aggregate.')
    p.add_argument('images', metavar='IMAGE', nargs='+',
                   help='Name or ID of an image to cache on the hosts of the aggregate.')
    p = commands.add(subparsers, 'aggregate-delete', do_aggregate_delete)
    p.add_argument('aggregate', metavar='AGGREGATE', help='Name or ID of the aggregate.')
    p = commands.add(subparsers, 'availability-zone-list', do_availability_zone_list)
    p.add_argument('--detail', action='store_true',
                   help='With hosts and services (admin).')
    commands.add_format(p)

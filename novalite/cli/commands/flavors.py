"""Flavor commands: flavor-list, flavor-show, flavor-create, flavor-delete."""

from novalite.cli import commands, tables

LIST_COLUMNS = ['ID', 'Name', 'Memory_MiB', 'Disk', 'Ephemeral', 'Swap', 'VCPUs',
                'RXTX_Factor', 'Is_Public']

LIST_FORMATTERS = {
    'Memory_MiB': lambda f: f.get('ram'),
    'Ephemeral': lambda f: f.get('OS-FLV-EXT-DATA:ephemeral'),
    'Is_Public': lambda f: f.get('os-flavor-access:is_public'),
}


def print_flavors(flavors):
    tables.print_list(flavors, LIST_COLUMNS, LIST_FORMATTERS)


def do_flavor_list(client, args):
    """List flavors (public ones; --all adds the private ones an admin can see)."""
    print_flavors(client.flavors.list(is_public=None if args.all else True))


def do_flavor_show(client, args):
    """Show details about a flavor."""
    flavor = client.flavors.resolve(args.flavor)
    tables.print_dict({k: v for k, v in flavor.items() if k != 'links'})


def do_flavor_create(client, args):
    """Create a flavor (admin only)."""
    flavor_id = None if args.id == 'auto' else args.id
    flavor = client.flavors.create(
        args.name, args.ram, args.vcpus, args.disk, id=flavor_id,
        ephemeral=args.ephemeral, swap=args.swap, is_public=args.is_public,
        rxtx_factor=args.rxtx_factor)
    print_flavors([flavor])


def do_flavor_delete(client, args):
    """Delete a flavor (admin only); servers already booted from it keep running."""
    flavor = client.flavors.resolve(args.flavor)
    client.flavors.delete(flavor['id'])
    print_flavors([flavor])


def register(subparsers):
    p = commands.add(subparsers, 'flavor-list', do_flavor_list)
    p.add_argument('--all', action='store_true', help='Public and private flavors.')
    p = commands.add(subparsers, 'flavor-show', do_flavor_show)
    p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the flavor.')
    p = commands.add(subparsers, 'flavor-create', do_flavor_create)
    p.add_argument('name', metavar='NAME', help='Name of the new flavor.')
    p.add_argument('id', metavar='ID',
                   help="ID of the new flavor; 'auto' lets the API generate a UUID.")
    p.add_argument('ram', metavar='RAM', type=commands.positive_int, help='Memory in MiB.')
    p.add_argument('disk', metavar='DISK', type=commands.non_negative_int,
                   help='Root disk in GiB (0: the image size).')
    p.add_argument('vcpus', metavar='VCPUS', type=commands.positive_int,
                   help='Number of virtual CPUs.')
    p.add_argument('--ephemeral', metavar='GB', type=commands.non_negative_int, default=0,
                   help='Ephemeral disk in GiB (default 0).')
    p.add_argument('--swap', metavar='MB', type=commands.non_negative_int, default=0,
                   help='Swap disk in MiB (default 0).')
    p.add_argument('--rxtx-factor', metavar='FACTOR', type=float,
                   help='Network bandwidth factor (default: the API default, 1.0).')
    p.add_argument('--is-public', metavar='BOOL', type=commands.boolean, default=True,
                   help='Whether every project may use the flavor (default true).')
    p = commands.add(subparsers, 'flavor-delete', do_flavor_delete)
    p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the flavor.')

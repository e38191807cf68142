"""Flavor commands: flavor-list, -show, -create, -delete, flavor-key (extra specs) and
flavor-access-list, -add, -remove (private flavors)."""

import argparse

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
    flavors = client.flavors.list(is_public=None if args.all else True)
    if args.format == 'json':
        tables.print_json(flavors)
    else:
        print_flavors(flavors)


def do_flavor_show(client, args):
    """Show details about a flavor, with its extra specs."""
    flavor = client.flavors.resolve(args.flavor)
    flavor = dict({k: v for k, v in flavor.items() if k != 'links'},
                  extra_specs=client.flavors.get_keys(flavor['id']))
    if args.format == 'json':
        tables.print_json(flavor)
    else:
        tables.print_dict(flavor)


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


def do_flavor_key(client, args):
    """Set or unset extra specs of a flavor (admin only)."""
    flavor = client.flavors.resolve(args.flavor)
    if args.action == 'set':
        client.flavors.set_keys(flavor['id'], dict(args.metadata))
        return
    for key, _value in args.metadata:
        client.flavors.unset_key(flavor['id'], key)


def _print_access(access, args):
    if args.format == 'json':
        tables.print_json(access)
    else:
        tables.print_list(access, ['Flavor_ID', 'Tenant_ID'])


def do_flavor_access_list(client, args):
    """List the projects with access to a private flavor (admin only)."""
    flavor = client.flavors.resolve(args.flavor)
    _print_access(client.flavors.access_list(flavor['id']), args)


def do_flavor_access_add(client, args):
    """Give a project access to a private flavor (admin only)."""
    flavor = client.flavors.resolve(args.flavor)
    _print_access(client.flavors.add_tenant_access(flavor['id'], args.tenant), args)


def do_flavor_access_remove(client, args):
    """Take a project's access to a private flavor away (admin only)."""
    flavor = client.flavors.resolve(args.flavor)
    _print_access(client.flavors.remove_tenant_access(flavor['id'], args.tenant), args)


def _key_or_pair(text):
    key, _sep, value = text.partition('=')
    if not key:
        raise argparse.ArgumentTypeError(f"'{text}' is not KEY or KEY=VALUE")
    return key, value


def _register_extra(subparsers):
    p = commands.add(subparsers, 'flavor-key', do_flavor_key)
    p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the flavor.')
    p.add_argument('action', choices=('set', 'unset'), help='Set or unset extra specs.')
    p.add_argument('metadata', metavar='KEY[=VALUE]', nargs='+', type=_key_or_pair,
                   help='Extra specs to set (KEY=VALUE) or unset (KEY).')
    p = commands.add(subparsers, 'flavor-access-list', do_flavor_access_list)
    p.add_argument('--flavor', metavar='FLAVOR', required=True,
                   help='Name or ID of the flavor.')
    commands.add_format(p)
    for name, func in (('flavor-access-add', do_flavor_access_add),
                       ('flavor-access-remove', do_flavor_access_remove)):
        p = commands.add(subparsers, name, func)
        p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the flavor.')
        p.add_argument('tenant', metavar='PROJECT', help='Project ID.')
        commands.add_format(p)


def register(subparsers):
    _register_extra(subparsers)
    p = commands.add(subparsers, 'flavor-list', do_flavor_list)
    p.add_argument('--all', action='store_true', help='Public and private flavors.')
    commands.add_format(p)
    p = commands.add(subparsers, 'flavor-show', do_flavor_show)
    p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the flavor.')
    commands.add_format(p)
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

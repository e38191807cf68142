"""Volume commands: create, list, attach to a server, detach from it."""

from novalite.cli import commands, tables

_COLUMNS = ['ID', 'Status', 'Name', 'Size', 'Attached to']


def _attached_to(volume):
    return ', '.join(a['server_id'] for a in volume.get('attachments') or [])


def _print(volumes):
    tables.print_list(volumes, _COLUMNS, formatters={'Attached to': _attached_to})


def do_volume_create(client, args):
    """Create a volume of SIZE GiB (from an image with --image)."""
    image = client.images.resolve_id(args.image) if args.image else None
    _print([client.volumes.create(args.size, name=args.name, image=image)])


def do_volume_list(client, args):
    """List your volumes with their status and the servers they are attached to."""
    volumes = client.volumes.list()
    commands.output(args, volumes, lambda: _print(volumes))


def do_volume_delete(client, args):
    """Delete a volume (it must not be attached)."""
    client.volumes.delete(client.volumes.resolve_id(args.volume))


def do_volume_attach(client, args):
    """Attach a volume to a server; the server's host attaches it in the background."""
    attachment = client.volumes.attach(client.servers.resolve_id(args.server),
                                       client.volumes.resolve_id(args.volume),
                                       device=args.device)
    tables.print_dict(attachment)


def do_volume_detach(client, args):
    """Detach a volume from a server."""
    client.volumes.detach(client.servers.resolve_id(args.server),
                          client.volumes.resolve_id(args.volume))


def register(subparsers):
    p = commands.add(subparsers, 'volume-create', do_volume_create)
    p.add_argument('size', metavar='SIZE', type=commands.positive_int, help='Size in GiB.')
    p.add_argument('--name', metavar='NAME', help='Name of the volume.')
    p.add_argument('--image', metavar='IMAGE', help='Image (name or ID) to write into it.')
    commands.add_format(commands.add(subparsers, 'volume-list', do_volume_list))
    p = commands.add(subparsers, 'volume-delete', do_volume_delete)
    p.add_argument('volume', metavar='VOLUME', help='Name or ID of the volume.')
    p = commands.add(subparsers, 'volume-attach', do_volume_attach)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('volume', metavar='VOLUME', help='Name or ID of the volume.')
    p.add_argument('--device', metavar='DEVICE', help='Device name in the guest, e.g. /dev/vdb.')
    p = commands.add(subparsers, 'volume-detach', do_volume_detach)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('volume', metavar='VOLUME', help='Name or ID of the volume.')

"""Rebuild and evacuate commands, as novaclient spells them."""

import base64

from novalite.cli import commands, progress
from novalite.cli.commands import servers


def _rebuild_settled(server):
    if server is None:
        return True
    return server.get('status') in ('ACTIVE', 'SHUTOFF', 'ERROR') and \
        not server.get('OS-EXT-STS:task_state')


def _wait(client, server_id, label, args):
    """Poll until the rebuild settles; print the server; 1 if it ended in ERROR."""
    final = progress.wait_for(client, [{'id': server_id, 'name': label}], _rebuild_settled,
                              interval=args.poll_interval, timeout=args.wait_timeout)
    server = final[server_id]
    if server is None:
        commands.error(f'server {label} ({server_id}) was deleted meanwhile')
        return 1
    servers.print_server(client, server)
    if server.get('status') == 'ERROR':
        fault = (server.get('fault') or {}).get('message') or 'no fault recorded'
        commands.error(f'server {label} ({server_id}) is in ERROR: {fault}')
        return 1
    return 0


def _rebuild_options(args):
    options = {}
    if args.name:
        options['name'] = args.name
    if args.password:
        options['adminPass'] = args.password
    if args.meta:
        options['metadata'] = dict(args.meta)
    if args.preserve_ephemeral:
        options['preserve_ephemeral'] = True
    if args.key_name:
        options['key_name'] = args.key_name
    if args.key_unset:
        options['key_name'] = None
    if args.user_data:
        with open(args.user_data, 'rb') as f:
            options['user_data'] = base64.b64encode(f.read()).decode()
    if args.hostname:
        options['hostname'] = args.hostname
    return options


def do_rebuild(client, args):
    """Shut down, re-image and restart a server (new or same image), keeping its IP.

    With --wait it polls until the server is ACTIVE (or SHUTOFF, if it was) or
    ERROR, shows progress on stderr and exits 1 on ERROR.
    """
    server_id = client.servers.resolve_id(args.server)
    image_id = servers._image_ref(client, args.image)
    answered = client.servers.rebuild(server_id, image_id,
                                      reimage_boot_volume=args.reimage_boot_volume,
                                      **_rebuild_options(args))
    print(f'Request to rebuild server {args.server} has been accepted.')
    if args.wait:
        return _wait(client, server_id, args.server, args)
    servers.print_server(client, answered)
    return 0


def do_evacuate(client, args):
    """Recreate a server of a failed host on another host (admin).

    The host must be down (no heartbeat, or forced down). Without HOST the
    scheduler picks one. With --wait it polls until the server settles there.
    """
    server_id = client.servers.resolve_id(args.server)
    answered = client.servers.evacuate(server_id, host=args.host, password=args.password,
                                       force=args.force)
    print(f'Request to evacuate server {args.server} has been accepted.')
    if answered and answered.get('adminPass'):
        print(f"adminPass: {answered['adminPass']}")
    if args.wait:
        return _wait(client, server_id, args.server, args)
    return 0


def register(subparsers):
    p = commands.add(subparsers, 'rebuild', do_rebuild)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('image', metavar='IMAGE', help='Name or ID of the new image.')
    p.add_argument('--name', metavar='NAME', help='New name for the server.')
    p.add_argument('--rebuild-password', '--password', dest='password', metavar='PASSWORD',
                   help='Admin password for the rebuilt server.')
    p.add_argument('--meta', action='append', type=commands.key_value, metavar='KEY=VALUE',
                   help='Metadata item replacing the server\'s (repeatable).')
    p.add_argument('--preserve-ephemeral', action='store_true',
                   help='Keep the ephemeral disk as it is.')
    p.add_argument('--key-name', metavar='KEY', help='Key pair to inject (2.54).')
    p.add_argument('--key-unset', action='store_true', help='Remove the key pair (2.54).')
    p.add_argument('--user-data', metavar='FILE', help='File of new user data (2.57).')
    p.add_argument('--hostname', metavar='HOSTNAME', help='New hostname (2.90).')
    p.add_argument('--reimage-boot-volume', action='store_true',
                   help='Write IMAGE over the boot volume of a server booted from a volume '
                        '(2.93; without it such a server is rebuilt with its own image only, '
                        'its volume kept).')
    servers._add_wait_options(p, 'the server is ACTIVE, SHUTOFF or ERROR')
    p = commands.add(subparsers, 'evacuate', do_evacuate)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('host', metavar='HOST', nargs='?',
                   help='Destination host (default: the scheduler picks one).')
    p.add_argument('--password', metavar='PASSWORD', help='Admin password for the server.')
    p.add_argument('--force', action='store_true',
                   help='Skip the scheduler\'s checks of HOST (2.29 to 2.67).')
    servers._add_wait_options(p, 'the server is ACTIVE, SHUTOFF or ERROR')

"""Image and shelve commands: image-create, backup, shelve, shelve-offload, unshelve."""

from novalite.cli import commands, progress
from novalite.cli.commands import servers as server_commands
from novalite.cli.exceptions import ClientError

_IMAGE_ID_VERSION = '2.45'


def _image_action(client, server_id, action, info):
    """Post an image action; the new image's id from its body (2.45+) or Location."""
    version = _IMAGE_ID_VERSION if client.supports(_IMAGE_ID_VERSION) else None
    headers = {}
    body = client.post(f'/servers/{server_id}/action', {action: info}, microversion=version,
                       response_headers=headers)
    if body and body.get('image_id'):
        return body['image_id']
    location = headers.get('Location') or headers.get('location')
    return location.rsplit('/', 1)[-1] if location else None


def _wait(client, args, server_ids, settled):
    if not args.wait:
        return {}
    servers = [client.servers.get(server_id) for server_id in server_ids]
    return progress.wait_for(client, servers, settled, interval=args.poll_interval,
                             timeout=args.wait_timeout)


def _idle(server):
    return server is None or server.get('OS-EXT-STS:task_state') is None


def _report_image(client, args, server_id, image_id):
    final = _wait(client, args, [server_id], _idle).get(server_id)
    if args.wait and image_id:
        try:
            status = client.images.get(image_id)['status']
        except ClientError:
            status = 'DELETED'
        print(f'Image {image_id} is {status}.')
        fault = ((final or {}).get('fault') or {}).get('message')
        if status != 'ACTIVE':
            commands.error(f'the snapshot failed: {fault or "no fault recorded"}')
            return 1
    elif image_id:
        print(image_id)
    return 0


def do_image_create(client, args):
    """Create an image from a server's root disk (a snapshot); prints the image's ID."""
    server_id = client.servers.resolve_id(args.server)
    info = {'name': args.name}
    if args.metadata:
        info['metadata'] = dict(args.metadata)
    image_id = _image_action(client, server_id, 'createImage', info)
    return _report_image(client, args, server_id, image_id)


def do_backup(client, args):
    """Back a server up into an image, keeping its ROTATION newest backups of BACKUP_TYPE."""
    server_id = client.servers.resolve_id(args.server)
    image_id = _image_action(client, server_id, 'createBackup', {
        'name': args.name, 'backup_type': args.backup_type, 'rotation': args.rotation})
    return _report_image(client, args, server_id, image_id)


def _state_command(verb, action, settled_states, info=None):
    """A command posting ``action`` to each server, waiting until its status is in
    ``settled_states``; ``info(args)`` is ``(body, microversion)``."""
    def command(client, args):
        server_ids, failed = [], 0
        for ref in args.server:
            try:
                server_id = client.servers.resolve_id(ref)
                body, version = info(args) if info else (None, None)
                client.post(f'/servers/{server_id}/action', {action: body},
                            microversion=version)
            except ClientError as exc:
                commands.error(f'{verb} of server {ref} failed: {exc}')
                failed += 1
                continue
            server_ids.append(server_id)
            print(f'Request to {verb} server {ref} has been accepted.')
        final = _wait(client, args, server_ids, lambda s: _idle(s) and (
            s is None or s['status'] in settled_states + ('ERROR',)))
        for server_id, server in final.items():
            if server is None or server['status'] not in settled_states:
                commands.error(f'server {server_id} is '
                               f'{server["status"] if server else "gone"} after {verb}')
                failed += 1
        return 1 if failed else 0
    return command


def _unshelve_info(args):
    info = {}
    if args.availability_zone is not None:
        info['availability_zone'] = None if args.availability_zone == 'none' \
            else args.availability_zone
    if args.host:
        info['host'] = args.host
    # A zone needs 2.77; a host or the null zone (unpinning) 2.91.
    if args.host or info.get('availability_zone', '') is None:
        return info, '2.91'
    return (info, '2.77') if info else (None, None)


do_shelve = _state_command('shelve', 'shelve', ('SHELVED', 'SHELVED_OFFLOADED'))
do_shelve.__doc__ = "Shelve server(s): snapshot, power off; offloaded per shelved_offload_time."
do_shelve_offload = _state_command('shelve-offload', 'shelveOffload', ('SHELVED_OFFLOADED',))
do_shelve_offload.__doc__ = "Remove shelved server(s) from their host (admin)."
do_unshelve = _state_command('unshelve', 'unshelve', ('ACTIVE',), _unshelve_info)
do_unshelve.__doc__ = ("Unshelve server(s): powered on where they are, or scheduled anew "
                       "when offloaded.")


def _servers(parser):
    parser.add_argument('server', metavar='SERVER', nargs='+', help='Name or ID of a server.')
    return parser


def register(subparsers):
    p = commands.add(subparsers, 'image-create', do_image_create)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('name', metavar='NAME', help='Name of the new image.')
    p.add_argument('--metadata', action='append', type=commands.key_value,
                   metavar='KEY=VALUE', help='Property of the image (repeatable).')
    server_commands._add_wait_options(p, 'the image is uploaded')
    p = commands.add(subparsers, 'backup', do_backup)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('name', metavar='NAME', help='Name of the backup image.')
    p.add_argument('backup_type', metavar='BACKUP_TYPE', help='daily, weekly, ...')
    p.add_argument('rotation', metavar='ROTATION', type=int,
                   help='How many backups of BACKUP_TYPE to keep.')
    server_commands._add_wait_options(p, 'the backup is uploaded')
    for name, func, what in (('shelve', do_shelve, 'the servers are shelved'),
                             ('shelve-offload', do_shelve_offload, 'they are offloaded'),
                             ('unshelve', do_unshelve, 'the servers are ACTIVE')):
        p = _servers(commands.add(subparsers, name, func))
        server_commands._add_wait_options(p, what)
        if name == 'unshelve':
            p.add_argument('--availability-zone', metavar='AZ',
                           help="Zone to unshelve into (2.77; 'none' unpins, 2.91).")
            p.add_argument('--host', metavar='HOST', help='Host to unshelve on (admin, 2.91).')

"""Server commands: boot, list, show, delete, power actions, console-log."""

import argparse
import sys

from novalite.cli import base, commands, progress, tables
from novalite.cli.commands import UsageError
from novalite.cli.exceptions import ClientError

# Nova's power_state numbers, named as novaclient's list names them.
POWER_STATES = {0: 'NOSTATE', 1: 'Running', 3: 'Paused', 4: 'Shutdown', 6: 'Crashed',
                7: 'Suspended'}

LIST_COLUMNS = ['ID', 'Name', 'Status', 'Task State', 'Power State', 'Networks', 'Host']


def format_networks(server):
    """``net1=10.0.0.3, fd00::3; net2=192.168.0.7``, as novaclient's list shows them."""
    groups = []
    for network, addresses in (server.get('addresses') or {}).items():
        if addresses:
            joined = ', '.join(a.get('addr', '') for a in addresses)
            groups.append(f'{network}={joined}')
    return '; '.join(groups)


def format_power_state(server):
    if 'OS-EXT-STS:power_state' not in server:
        return 'N/A'
    state = server['OS-EXT-STS:power_state']
    return POWER_STATES.get(state, str(state))


def format_task_state(server):
    return server.get('OS-EXT-STS:task_state', 'N/A')


LIST_FORMATTERS = {
    'Task State': format_task_state,
    'Power State': format_power_state,
    'Networks': format_networks,
    'Host': lambda s: s.get('OS-EXT-SRV-ATTR:host'),
    'Tenant ID': lambda s: s.get('tenant_id'),
}


def print_servers(servers, all_tenants=False):
    columns = list(LIST_COLUMNS)
    if all_tenants:
        columns.insert(2, 'Tenant ID')
    tables.print_list(servers, columns, LIST_FORMATTERS)


def _name_and_id(manager, resource_id):
    """``m1.tiny (1)``; the bare ID if the lookup fails, as display is best effort."""
    try:
        return f"{manager.get(resource_id)['name']} ({resource_id})"
    except ClientError:
        return resource_id


def server_properties(client, server):
    """The rows of ``show``: the server with names beside IDs, one row per network."""
    info = {k: v for k, v in server.items() if k not in ('links', 'addresses')}
    for network, addresses in (server.get('addresses') or {}).items():
        info[f'{network} network'] = ', '.join(a.get('addr', '') for a in addresses)
    flavor = server.get('flavor')
    if isinstance(flavor, dict) and 'original_name' in flavor:
        # From 2.47 the flavor is embedded rather than referenced.
        del info['flavor']
        for key, value in flavor.items():
            info[f'flavor:{key}'] = value
    elif isinstance(flavor, dict) and 'id' in flavor:
        info['flavor'] = _name_and_id(client.flavors, flavor['id'])
    image = server.get('image')
    if isinstance(image, dict) and 'id' in image:
        info['image'] = _name_and_id(client.images, image['id'])
    elif 'image' in server and not image:
        info['image'] = 'Attempt to boot from volume - no image supplied'
    if isinstance(server.get('security_groups'), list):
        info['security_groups'] = ', '.join(
            g.get('name', '') for g in server['security_groups'])
    return info


def print_server(client, server):
    tables.print_dict(server_properties(client, server))


def _nic(text):
    """argparse type for ``--nic``: auto, none, net-id=NET[,v4-fixed-ip=IP], port-id=PORT."""
    if text in ('auto', 'none'):
        return text
    keys = {'net-id': 'uuid', 'port-id': 'port', 'v4-fixed-ip': 'fixed_ip',
            'v6-fixed-ip': 'fixed_ip'}
    nic = {}
    for part in text.split(','):
        key, sep, value = part.partition('=')
        if not sep or key not in keys or not value:
            raise argparse.ArgumentTypeError(
                f"'{text}' is not auto, none, net-id=NET[,v4-fixed-ip=IP] or port-id=PORT")
        nic[keys[key]] = value
    if ('uuid' in nic) == ('port' in nic):
        raise argparse.ArgumentTypeError(f"'{text}' needs exactly one of net-id or port-id")
    return nic


def _networks(nics):
    if not nics:
        return 'auto'
    if ('auto' in nics or 'none' in nics) and len(nics) > 1:
        raise UsageError("--nic auto and --nic none cannot be combined with other --nic")
    return nics[0] if nics[0] in ('auto', 'none') else nics


def _hints(pairs):
    hints = {}
    for key, value in pairs or []:
        # A repeated key becomes a list, as for different_host=A --hint different_host=B.
        if key in hints:
            previous = hints[key]
            hints[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            hints[key] = value
    return hints


def _read_user_data(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError as exc:
        raise ClientError(None, f"cannot read user data file '{path}': {exc.strerror}") from None


def _image_ref(client, image):
    # An ID goes as it is and the API checks it: the image proxy used for name
    # lookups is deprecated and need not be there.
    if base.is_uuid_like(image):
        return image
    return client.images.resolve_id(image)


def _boot_settled(server):
    return server is None or server.get('status') in ('ACTIVE', 'ERROR')


def _report_boot_failures(final, labels):
    failed = 0
    for server_id, server in final.items():
        where = f'server {labels[server_id]} ({server_id})'
        if server is None:
            commands.error(f'{where} was deleted before it became ACTIVE')
            failed += 1
        elif server.get('status') == 'ERROR':
            fault = (server.get('fault') or {}).get('message') or 'no fault recorded'
            commands.error(f'{where} is in ERROR: {fault}')
            failed += 1
    return failed


def _create(client, args):
    """Send the create request; return (servers, admin password or None).

    One server comes back as just its ID and name; several come back in full.
    """
    if args.min_count and args.max_count and args.min_count > args.max_count:
        raise UsageError('--min-count must not be more than --max-count')
    networks = _networks(args.nic)
    flavor_id = client.flavors.resolve_id(args.flavor)
    image_id = _image_ref(client, args.image)
    user_data = _read_user_data(args.user_data) if args.user_data else None
    created = client.servers.create(
        args.name, image_id, flavor_id, min_count=args.min_count,
        max_count=args.max_count, availability_zone=args.availability_zone,
        metadata=dict(args.meta) if args.meta else None, user_data=user_data,
        key_name=args.key_name, config_drive=args.config_drive, networks=networks,
        scheduler_hints=_hints(args.hint) or None)
    if isinstance(created, list):
        return created, None
    return [{'id': created['id'], 'name': args.name}], created.get('adminPass')


def do_boot(client, args):
    """Boot a new server (or several with --min-count/--max-count).

    Without --wait it prints the server as the API accepted it; with --wait it polls
    until every server is ACTIVE or ERROR, shows progress on stderr, prints the final
    state and exits 1 if any server ended in ERROR (its fault message is printed),
    was deleted meanwhile, or --wait-timeout passed first.
    """
    servers, admin_pass = _create(client, args)
    multiple = max(args.min_count or 1, args.max_count or 1) > 1
    failed = 0
    if args.wait:
        labels = progress.labels_for(servers)
        final = progress.wait_for(client, servers, _boot_settled, interval=args.poll_interval,
                                  timeout=args.wait_timeout)
        servers = [s for s in final.values() if s is not None]
        failed = _report_boot_failures(final, labels)
    elif not multiple:
        servers = [client.servers.get(servers[0]['id'])]
    if multiple:
        print_servers(servers)
    elif servers:
        if admin_pass:
            servers[0]['adminPass'] = admin_pass
        print_server(client, servers[0])
    return 1 if failed else 0


def do_list(client, args):
    """List servers, following pagination (admins see every project's with --all-tenants)."""
    filters = {'status': args.status, 'host': args.host, 'name': args.name,
               'reservation_id': args.reservation_id, 'flavor': args.flavor,
               'image': args.image}
    if args.all_tenants:
        filters['all_tenants'] = 1
    servers = client.servers.list(detailed=True, **filters)
    commands.output(args, servers, lambda: print_servers(servers, all_tenants=args.all_tenants))


def do_show(client, args):
    """Show details about a server, including its fault when it is in ERROR."""
    server = client.servers.resolve(args.server)
    if 'status' not in server:
        server = client.servers.get(server['id'])
    commands.output(args, server, lambda: print_server(client, server))


def _delete_settled(server):
    if server is None:
        return True
    status = server.get('status')
    if status in ('DELETED', 'SOFT_DELETED'):
        return True
    # A failed delete leaves the server in ERROR with no task state.
    return status == 'ERROR' and not server.get('OS-EXT-STS:task_state')


def do_delete(client, args):
    """Delete one or more servers; with --wait, poll until they are gone.

    A server that cannot be found or deleted is reported and the rest go on; the
    exit status is then 1, as it is when a server goes to ERROR while deleting.
    """
    accepted = []
    failed = 0
    for ref in args.server:
        try:
            server = client.servers.resolve(ref)
            client.servers.delete(server['id'])
        except ClientError as exc:
            commands.error(f'delete for server {ref} failed: {exc}')
            failed += 1
            continue
        accepted.append(server)
        print(f'Request to delete server {ref} has been accepted.')
    if args.wait and accepted:
        final = progress.wait_for(client, accepted, _delete_settled,
                                  interval=args.poll_interval, timeout=args.wait_timeout)
        labels = progress.labels_for(accepted)
        for server_id, server in final.items():
            if server is not None and server.get('status') == 'ERROR':
                fault = (server.get('fault') or {}).get('message') or 'no fault recorded'
                commands.error(f'server {labels[server_id]} ({server_id}) is in ERROR '
                               f'after delete: {fault}')
                failed += 1
    return 1 if failed else 0


def _power_command(verb, call):
    def command(client, args):
        failed = 0
        for ref in args.server:
            try:
                call(client, client.servers.resolve_id(ref), args)
            except ClientError as exc:
                commands.error(f'{verb} for server {ref} failed: {exc}')
                failed += 1
                continue
            print(f'Request to {verb} server {ref} has been accepted.')
        return 1 if failed else 0
    return command


POWER_COMMANDS = [
    ('start', 'Start the server(s).', lambda c, sid, a: c.servers.start(sid)),
    ('stop', 'Stop (power off) the server(s).', lambda c, sid, a: c.servers.stop(sid)),
    ('reboot', 'Reboot the server(s): soft by default, hard with --hard.',
     lambda c, sid, a: c.servers.reboot(sid, hard=a.hard)),
    ('pause', 'Pause the server(s), keeping them in memory.',
     lambda c, sid, a: c.servers.pause(sid)),
    ('unpause', 'Unpause the server(s).', lambda c, sid, a: c.servers.unpause(sid)),
    ('suspend', 'Suspend the server(s), saving their memory to disk.',
     lambda c, sid, a: c.servers.suspend(sid)),
    ('resume', 'Resume suspended server(s).', lambda c, sid, a: c.servers.resume(sid)),
]


def do_console_log(client, args):
    """Print the console log of a server (the last --length lines, or all of it)."""
    output = client.servers.console_output(client.servers.resolve_id(args.server),
                                           args.length)
    sys.stdout.write(output if output.endswith('\n') or not output else output + '\n')


def _add_wait_options(parser, what):
    parser.add_argument('--wait', action='store_true', help=f'Wait until {what}, '
                        'showing progress on stderr.')
    parser.add_argument('--poll-interval', type=commands.seconds, metavar='SECONDS',
                        default=progress.POLL_INTERVAL,
                        help='With --wait: seconds between polls (default %(default)s).')
    parser.add_argument('--wait-timeout', type=commands.seconds, metavar='SECONDS',
                        help='With --wait: give up (exit 1) after SECONDS '
                             '(default: no limit).')


def _register_boot(subparsers):
    p = commands.add(subparsers, 'boot', do_boot)
    p.add_argument('name', metavar='NAME', help='Name for the new server.')
    p.add_argument('--flavor', required=True, metavar='FLAVOR', help='Flavor name or ID.')
    p.add_argument('--image', required=True, metavar='IMAGE', help='Image name or ID.')
    p.add_argument('--min-count', type=commands.positive_int, metavar='N',
                   help='Boot at least N servers, or none.')
    p.add_argument('--max-count', type=commands.positive_int, metavar='N',
                   help='Boot up to N servers (named NAME-1 ... NAME-N).')
    p.add_argument('--availability-zone', metavar='AZ',
                   help='Availability zone (AZ, AZ:HOST or AZ:HOST:NODE).')
    p.add_argument('--meta', action='append', type=commands.key_value, metavar='KEY=VALUE',
                   help='Metadata item for the server (repeatable).')
    p.add_argument('--user-data', metavar='FILE', help='File to pass as user data.')
    p.add_argument('--key-name', metavar='KEY', help='Name of a keypair to inject.')
    p.add_argument('--config-drive', type=commands.boolean, metavar='BOOL',
                   help='true to attach a config drive with metadata and user data.')
    p.add_argument('--nic', action='append', type=_nic, metavar='NIC',
                   help='auto (the default), none, net-id=NET[,v4-fixed-ip=IP] or '
                        'port-id=PORT; net-id and port-id are repeatable.')
    p.add_argument('--hint', action='append', type=commands.key_value, metavar='KEY=VALUE',
                   help='Scheduler hint (repeatable; a repeated key makes a list).')
    _add_wait_options(p, 'every server is ACTIVE or ERROR')


def _register_list(subparsers):
    p = commands.add(subparsers, 'list', do_list)
    p.add_argument('--all-tenants', action='store_true',
                   help="Servers of every project (admin only); adds a Tenant ID column.")
    p.add_argument('--status', metavar='STATUS', help='Only servers in STATUS, e.g. ACTIVE.')
    p.add_argument('--host', metavar='HOST', help='Only servers on HOST (admin only).')
    p.add_argument('--name', metavar='NAME',
                   help='Only servers whose name matches NAME (a regular expression).')
    p.add_argument('--flavor', metavar='FLAVOR_ID', help='Only servers of this flavor ID.')
    p.add_argument('--image', metavar='IMAGE_ID', help='Only servers of this image ID.')
    p.add_argument('--reservation-id', metavar='ID',
                   help='Only servers of one multiple-create request.')
    commands.add_format(p)


def register(subparsers):
    _register_boot(subparsers)
    _register_list(subparsers)
    p = commands.add(subparsers, 'show', do_show)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    commands.add_format(p)
    p = commands.add(subparsers, 'delete', do_delete)
    p.add_argument('server', metavar='SERVER', nargs='+', help='Name or ID of a server.')
    _add_wait_options(p, 'the servers are gone')
    for verb, doc, call in POWER_COMMANDS:
        func = _power_command(verb, call)
        func.__doc__ = doc
        p = commands.add(subparsers, verb, func)
        p.add_argument('server', metavar='SERVER', nargs='+', help='Name or ID of a server.')
        if verb == 'reboot':
            p.add_argument('--hard', action='store_true',
                           help='Hard reboot (power cycle) instead of a soft one.')
    p = commands.add(subparsers, 'console-log', do_console_log)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('--length', type=commands.positive_int, metavar='N',
                   help='Print only the last N lines.')

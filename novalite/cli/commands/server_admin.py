"""Server state commands: reset-state (admin), and restore and force-delete of servers
kept by soft delete (``reclaim_instance_interval``), as novaclient spells them."""

from novalite.cli import commands, progress
from novalite.cli.commands import servers as server_commands


def _wait(client, args, server_id, settled):
    """Poll until ``settled``; 1 if the server ended in ERROR instead."""
    final = progress.wait_for(client, [{'id': server_id, 'name': args.server}], settled,
                              interval=args.poll_interval, timeout=args.wait_timeout)
    server = final[server_id]
    if server is not None and server.get('status') == 'ERROR' and args.command != 'reset-state':
        fault = (server.get('fault') or {}).get('message') or 'no fault recorded'
        commands.error(f'server {args.server} ({server_id}) is in ERROR: {fault}')
        return 1
    return 0


def _idle_in(status):
    def settled(server):
        return server is None or (server.get('status') in status and
                                  not server.get('OS-EXT-STS:task_state'))
    return settled


def do_reset_state(client, args):
    """Reset the server's state to ERROR (default) or, with --active, ACTIVE (admin)."""
    server_id = client.servers.resolve_id(args.server)
    state = 'active' if args.active else 'error'
    client.servers.reset_state(server_id, state)
    print(f'Request to reset the state of server {args.server} to {state} has been accepted.')
    return _wait(client, args, server_id, _idle_in((state.upper(),))) if args.wait else 0


def do_restore(client, args):
    """Restore a soft-deleted server; with --wait, poll until it is ACTIVE again."""
    server_id = client.servers.resolve_id(args.server)
    client.servers.restore(server_id)
    print(f'Request to restore server {args.server} has been accepted.')
    return _wait(client, args, server_id, _idle_in(('ACTIVE', 'ERROR'))) if args.wait else 0


def do_force_delete(client, args):
    """Delete a soft-deleted server now; with --wait, poll until it is gone."""
    server_id = client.servers.resolve_id(args.server)
    client.servers.force_delete(server_id)
    print(f'Request to force-delete server {args.server} has been accepted.')
    return _wait(client, args, server_id, lambda server: server is None or server.get(
        'status') == 'DELETED') if args.wait else 0


def register(subparsers):
    for name, func, what in (
            ('reset-state', do_reset_state, 'the server shows the new state'),
            ('restore', do_restore, 'the server is ACTIVE'),
            ('force-delete', do_force_delete, 'the server is gone')):
        p = commands.add(subparsers, name, func)
        p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
        if name == 'reset-state':
            p.add_argument('--active', action='store_true',
                           help='Reset to ACTIVE rather than ERROR.')
        server_commands._add_wait_options(p, what)

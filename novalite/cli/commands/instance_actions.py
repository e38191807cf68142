"""Instance action commands: the record of what was done to a server, and when."""

from novalite.cli import base, commands, tables


def _server_id(client, ref):
    # An ID is used as given so the actions of a deleted server stay readable.
    return ref if base.is_uuid_like(ref) else client.servers.resolve_id(ref)


def do_instance_action_list(client, args):
    """List the actions performed on a server, oldest first."""
    actions = client.servers.actions(_server_id(client, args.server))
    actions = sorted(actions, key=lambda a: a.get('start_time') or '')
    columns = ['Action', 'Request_ID', 'Message', 'Start_Time']
    if client.supports('2.58'):
        columns.append('Updated_At')
    commands.output(args, actions, lambda: tables.print_list(actions, columns))


def do_instance_action(client, args):
    """Show one action on a server, with its events."""
    action = client.servers.action(_server_id(client, args.server), args.request_id)
    commands.output(args, action, lambda: tables.print_dict(action))


def register(subparsers):
    p = commands.add_format(commands.add(subparsers, 'instance-action-list',
                                         do_instance_action_list))
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p = commands.add_format(commands.add(subparsers, 'instance-action', do_instance_action))
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('request_id', metavar='REQUEST_ID',
                   help='Request ID of the action (from instance-action-list).')

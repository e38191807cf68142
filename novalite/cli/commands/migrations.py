"""Move commands: resize, resize-confirm, resize-revert, migrate, live-migration, the
live migration under way (server-migration-list, live-migration-abort,
live-migration-force-complete) and every move's record (migration-list), as novaclient
spells them."""

from novalite.cli import commands, tables

MIGRATION_COLUMNS = ['Id', 'Status', 'Source_Compute', 'Dest_Compute', 'Memory_Total_Bytes',
                     'Memory_Processed_Bytes', 'Memory_Remaining_Bytes', 'Created_At']


def do_resize(client, args):
    """Resize a server to another flavor; confirm or revert it once it is VERIFY_RESIZE."""
    flavor = client.flavors.resolve(args.flavor)
    client.servers.resize(client.servers.resolve_id(args.server), flavor['id'])
    print(f'Request to resize server {args.server} has been accepted.')


def do_resize_confirm(client, args):
    """Confirm a resize or migration: the server keeps its new flavor and host."""
    client.servers.confirm_resize(client.servers.resolve_id(args.server))


def do_resize_revert(client, args):
    """Revert a resize or migration: the server goes back to its old flavor and host."""
    client.servers.revert_resize(client.servers.resolve_id(args.server))


def do_migrate(client, args):
    """Cold-migrate a server to another host (admin); confirm or revert it afterwards."""
    client.servers.migrate(client.servers.resolve_id(args.server), host=args.host)
    print(f'Request to migrate server {args.server} has been accepted.')


def do_live_migration(client, args):
    """Live-migrate a running server to another host (admin), or let the scheduler pick."""
    client.servers.live_migrate(client.servers.resolve_id(args.server), host=args.host,
                                block_migration='true' if args.block_migrate else 'auto')
    print(f'Request to live-migrate server {args.server} has been accepted.')


def do_server_migration_list(client, args):
    """Show the server's live migration under way, with its progress in bytes."""
    migrations = client.servers.migrations(client.servers.resolve_id(args.server))
    commands.output(args, migrations, lambda: tables.print_list(migrations, MIGRATION_COLUMNS))


LIST_COLUMNS = ['Id', 'UUID', 'Source Node', 'Dest Node', 'Source Compute', 'Dest Compute',
                'Dest Host', 'Status', 'Instance UUID', 'Old Flavor', 'New Flavor', 'Created At',
                'Updated At', 'Type']
_LIST_FORMATTERS = {'Old Flavor': lambda m: m.get('old_instance_type_id'),
                    'New Flavor': lambda m: m.get('new_instance_type_id'),
                    'Type': lambda m: m.get('migration_type')}
_LIST_FILTERS = ('host', 'status', 'instance_uuid', 'migration_type', 'source_compute',
                 'changes_since', 'changes_before', 'user_id', 'project_id')


def do_migration_list(client, args):
    """List the records of every move (admin), newest first from microversion 2.59."""
    filters = {key.replace('changes_', 'changes-'): getattr(args, key)
               for key in _LIST_FILTERS}
    if args.server:
        filters['instance_uuid'] = client.servers.resolve_id(args.server)
    migrations = client.migrations.list(**filters)
    if args.format == 'json':
        tables.print_json(migrations)
    else:
        tables.print_list(migrations, LIST_COLUMNS, _LIST_FORMATTERS)


def _register_migration_list(subparsers):
    p = commands.add(subparsers, 'migration-list', do_migration_list)
    p.add_argument('--server', metavar='SERVER', help='Only the moves of this server.')
    p.add_argument('--instance-uuid', dest='instance_uuid', metavar='UUID',
                   help='Only the moves of the server with this UUID.')
    p.add_argument('--host', metavar='HOST', help='Only moves from or to HOST.')
    p.add_argument('--source-compute', metavar='HOST', help='Only moves from HOST.')
    p.add_argument('--status', metavar='STATUS', help='Only records in STATUS.')
    p.add_argument('--migration-type', metavar='TYPE', choices=(
        'migration', 'live-migration', 'resize', 'evacuation'), help='Only moves of TYPE.')
    p.add_argument('--changes-since', metavar='TIME',
                   help='Only records updated at or after TIME (ISO 8601; 2.59).')
    p.add_argument('--changes-before', metavar='TIME',
                   help='Only records updated at or before TIME (ISO 8601; 2.66).')
    p.add_argument('--user-id', metavar='USER', help="Only this user's moves (2.80).")
    p.add_argument('--project-id', metavar='PROJECT', help="Only this project's moves (2.80).")
    commands.add_format(p)


def do_live_migration_abort(client, args):
    """Abort a live migration under way: the server stays on its source host."""
    client.servers.abort_migration(client.servers.resolve_id(args.server), args.migration)


def do_live_migration_force_complete(client, args):
    """Make a live migration under way complete now, by pausing the guest."""
    client.servers.force_complete_migration(client.servers.resolve_id(args.server),
                                            args.migration)


def _server(parser):
    parser.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    return parser


def register(subparsers):
    p = _server(commands.add(subparsers, 'resize', do_resize))
    p.add_argument('flavor', metavar='FLAVOR', help='Name or ID of the new flavor.')
    _server(commands.add(subparsers, 'resize-confirm', do_resize_confirm))
    _server(commands.add(subparsers, 'resize-revert', do_resize_revert))
    p = _server(commands.add(subparsers, 'migrate', do_migrate))
    p.add_argument('--host', metavar='HOST', help='Destination host (microversion 2.56).')
    p = _server(commands.add(subparsers, 'live-migration', do_live_migration))
    p.add_argument('host', metavar='HOST', nargs='?', help='Destination host (default: '
                   'the scheduler picks one).')
    p.add_argument('--block-migrate', action='store_true',
                   help='Copy the disks too (default: auto, as the hosts allow).')
    commands.add_format(_server(commands.add(subparsers, 'server-migration-list',
                                             do_server_migration_list)))
    _register_migration_list(subparsers)
    for name, func in (('live-migration-abort', do_live_migration_abort),
                       ('live-migration-force-complete', do_live_migration_force_complete)):
        p = _server(commands.add(subparsers, name, func))
        p.add_argument('migration', metavar='MIGRATION', help='ID of the migration.')

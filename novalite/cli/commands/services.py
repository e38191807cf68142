"""Service commands: list, enable, disable and delete nova-style services."""

from novalite.cli import commands, tables


def do_service_list(client, args):
    """List the services (compute, conductor, scheduler) and whether they are up."""
    columns = ['Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at',
               'Disabled Reason']
    if client.supports('2.11'):
        columns.append('Forced down')
    services = client.services.list(host=args.host, binary=args.binary)
    commands.output(args, services, lambda: tables.print_list(services, columns))


def do_service_enable(client, args):
    """Enable a service: the scheduler may place servers on it again."""
    service = client.services.enable(args.host, args.binary)
    tables.print_list([service], ['Host', 'Binary', 'Status'])


def do_service_disable(client, args):
    """Disable a service: the scheduler stops placing new servers on it."""
    service = client.services.disable(args.host, args.binary, reason=args.reason)
    columns = ['Host', 'Binary', 'Status']
    if args.reason is not None:
        columns.append('Disabled Reason')
    tables.print_list([service], columns)


def do_service_delete(client, args):
    """Delete a service record (and, for a compute service, its compute node)."""
    client.services.delete(args.id)


def register(subparsers):
    p = commands.add_format(commands.add(subparsers, 'service-list', do_service_list))
    p.add_argument('--host', metavar='HOST', help='Only services on HOST.')
    p.add_argument('--binary', metavar='BINARY', help='Only this binary, e.g. nova-compute.')
    enable = commands.add(subparsers, 'service-enable', do_service_enable)
    disable = commands.add(subparsers, 'service-disable', do_service_disable)
    for p in (enable, disable):
        p.add_argument('host', metavar='HOST', help='Host of the service.')
        p.add_argument('binary', metavar='BINARY', help='Service binary, e.g. nova-compute.')
    disable.add_argument('--reason', metavar='REASON', help='Why the service is disabled.')
    p = commands.add(subparsers, 'service-delete', do_service_delete)
    p.add_argument('id', metavar='ID', help='ID of the service (from service-list).')

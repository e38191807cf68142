"""Hypervisor commands: the compute nodes and their resource totals."""

from novalite.cli import commands, tables


def do_hypervisor_list(client, args):
    """List hypervisors."""
    hypervisors = client.hypervisors.list()
    commands.output(args, hypervisors, lambda: tables.print_list(
        hypervisors, ['ID', 'Hypervisor hostname', 'State', 'Status']))


def do_hypervisor_show(client, args):
    """Show details about a hypervisor."""
    hypervisor = client.hypervisors.resolve(args.hypervisor)
    # Flattened as novaclient shows it: service_host, service_id, ...
    flat = {k: v for k, v in hypervisor.items() if k != 'service'}
    for key, value in (hypervisor.get('service') or {}).items():
        flat[f'service_{key}'] = value
    commands.output(args, hypervisor, lambda: tables.print_dict(flat))


def do_hypervisor_uptime(client, args):
    """Show the uptime of a hypervisor's host."""
    found = client.hypervisors.uptime(client.hypervisors.resolve(args.hypervisor)['id'])
    commands.output(args, found, lambda: tables.print_dict(found))


def do_hypervisor_stats(client, args):
    """Show the resource totals over every hypervisor."""
    statistics = client.hypervisors.statistics()
    commands.output(args, statistics, lambda: tables.print_dict(statistics))


def register(subparsers):
    commands.add_format(commands.add(subparsers, 'hypervisor-list', do_hypervisor_list))
    p = commands.add(subparsers, 'hypervisor-show', do_hypervisor_show)
    p.add_argument('hypervisor', metavar='HYPERVISOR', help='ID or hostname of the hypervisor.')
    commands.add_format(p)
    p = commands.add(subparsers, 'hypervisor-uptime', do_hypervisor_uptime)
    p.add_argument('hypervisor', metavar='HYPERVISOR', help='ID or hostname of the hypervisor.')
    commands.add_format(p)
    commands.add_format(commands.add(subparsers, 'hypervisor-stats', do_hypervisor_stats))

"""Hypervisor commands: the compute nodes and their resource totals."""

from novalite.cli import commands, tables


def do_hypervisor_list(client, args):
    """List hypervisors."""
    hypervisors = client.hypervisors.list()
    tables.print_list(hypervisors, ['ID', 'Hypervisor hostname', 'State', 'Status'])


def do_hypervisor_show(client, args):
    """Show details about a hypervisor."""
    hypervisor = dict(client.hypervisors.resolve(args.hypervisor))
    # Flattened as novaclient shows it: service_host, service_id, ...
    for key, value in (hypervisor.pop('service', None) or {}).items():
        hypervisor[f'service_{key}'] = value
    tables.print_dict(hypervisor)


def do_hypervisor_stats(client, args):
    """Show the resource totals over every hypervisor."""
    tables.print_dict(client.hypervisors.statistics())


def register(subparsers):
    commands.add(subparsers, 'hypervisor-list', do_hypervisor_list)
    p = commands.add(subparsers, 'hypervisor-show', do_hypervisor_show)
    p.add_argument('hypervisor', metavar='HYPERVISOR', help='ID or hostname of the hypervisor.')
    commands.add(subparsers, 'hypervisor-stats', do_hypervisor_stats)

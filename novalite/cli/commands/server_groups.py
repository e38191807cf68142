"""Server group commands, as novaclient spells them: server-group-create/-list/-get/-delete."""

from novalite.cli import commands, tables
from novalite.cli.exceptions import ClientError

_COLUMNS = ['Id', 'Name', 'Project Id', 'User Id', 'Policies', 'Members']


def _policies(group):
    return group.get('policies') or [group.get('policy')]


def _show(group, args):
    if args.format == 'json':
        tables.print_json(group)
    else:
        tables.print_list([group], _COLUMNS, {'Policies': _policies})


def do_server_group_create(client, args):
    """Create a server group whose members the scheduler places by POLICY.

    affinity: all on one host; anti-affinity: each on its own host; the soft-
    variants prefer that but place anyway. --rule max_server_per_host=N loosens
    anti-affinity (compute API version 2.64 or later).
    """
    rules = {}
    for key, value in args.rule or []:
        if not value.isdigit():
            raise commands.UsageError(f"rule {key} takes a whole number, not '{value}'")
        rules[key] = int(value)
    _show(client.server_groups.create(args.name, args.policy, rules), args)


def do_server_group_list(client, args):
    """List server groups: your project's, or every project's (admin)."""
    groups = client.server_groups.list(all_projects=args.all_projects)
    if args.format == 'json':
        tables.print_json(groups)
    else:
        tables.print_list(groups, _COLUMNS, {'Policies': _policies})


def do_server_group_get(client, args):
    """Show a server group and its members."""
    _show(client.server_groups.resolve(args.group), args)


def do_server_group_delete(client, args):
    """Delete server groups; their servers stay."""
    failed = 0
    for group in args.group:
        try:
            client.server_groups.delete(client.server_groups.resolve_id(group))
        except ClientError as exc:
            commands.error(exc)
            failed = 1
    return failed


def register(subparsers):
    p = commands.add(subparsers, 'server-group-create', do_server_group_create)
    p.add_argument('name', metavar='NAME', help='Name of the group.')
    p.add_argument('policy', metavar='POLICY', choices=(
        'affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'),
        help='affinity, anti-affinity, soft-affinity or soft-anti-affinity.')
    p.add_argument('--rule', action='append', type=commands.key_value, metavar='KEY=VALUE',
                   help='A rule of the policy: max_server_per_host=N (2.64).')
    commands.add_format(p)
    p = commands.add(subparsers, 'server-group-list', do_server_group_list)
    p.add_argument('--all-projects', action='store_true',
                   help="Every project's groups (admin).")
    commands.add_format(p)
    p = commands.add(subparsers, 'server-group-get', do_server_group_get)
    p.add_argument('group', metavar='GROUP', help='Name or ID of the group.')
    commands.add_format(p)
    p = commands.add(subparsers, 'server-group-delete', do_server_group_delete)
    p.add_argument('group', metavar='GROUP', nargs='+', help='Name or ID of a group.')

"""Quota and usage commands: quota-show, quota-defaults, quota-update, quota-delete,
limits, usage-list, usage."""

import datetime

from novalite.cli import commands, tables

# The resources quota-update sets, as novaclient names their options.
_SETTABLE = ('instances', 'cores', 'ram', 'metadata_items', 'key_pairs', 'server_groups',
             'server_group_members')
USAGE_COLUMNS = ['Tenant ID', 'Servers', 'RAM MiB-Hours', 'CPU Hours', 'Disk GiB-Hours']
USAGE_FORMATTERS = {
    'Servers': lambda u: len(u.get('server_usages', [])),
    'RAM MiB-Hours': lambda u: f"{u.get('total_memory_mb_usage', 0):.2f}",
    'CPU Hours': lambda u: f"{u.get('total_vcpus_usage', 0):.2f}",
    'Disk GiB-Hours': lambda u: f"{u.get('total_local_gb_usage', 0):.2f}",
}


def _print_quota(quota, args):
    if args.format == 'json':
        tables.print_json(quota)
        return
    rows = [{'quota': key, 'limit': value} for key, value in sorted(quota.items())
            if key != 'id']
    tables.print_list(rows, ['Quota', 'Limit'])


def _project(client, args):
    """--tenant, or the project of a noauth2 ``user:project`` token."""
    if args.tenant:
        return args.tenant
    user, sep, project = client.token.partition(':')
    if not sep:
        raise commands.UsageError('give --tenant: the token does not name a project')
    return project or user


def do_quota_show(client, args):
    """Show a project's (or --user's) quota; --detail adds what is in use."""
    quota = client.quotas.get(_project(client, args), user_id=args.user, detail=args.detail)
    _print_quota(quota, args)


def do_quota_defaults(client, args):
    """Show the default quota every project starts from."""
    _print_quota(client.quotas.defaults(_project(client, args)), args)


def do_quota_update(client, args):
    """Set a project's (or --user's) limits (admin only); -1 is unlimited."""
    limits = {name: getattr(args, name) for name in _SETTABLE
              if getattr(args, name) is not None}
    if not limits:
        raise commands.UsageError('give at least one limit, e.g. --instances 20')
    client.quotas.update(args.tenant, user_id=args.user, force=args.force, **limits)


def do_quota_delete(client, args):
    """Reset a project's (or --user's) limits to the defaults (admin only)."""
    client.quotas.delete(args.tenant, user_id=args.user)


def do_limits(client, args):
    """Show absolute limits and what the project uses."""
    absolute = client.limits.get(args.tenant)['absolute']
    if args.format == 'json':
        tables.print_json(absolute)
        return
    tables.print_list([{'name': k, 'value': v} for k, v in sorted(absolute.items())],
                      ['Name', 'Value'])


def _period(args):
    today = datetime.datetime.utcnow().date()
    start = args.start or (today - datetime.timedelta(weeks=4)).isoformat()
    end = args.end or (today + datetime.timedelta(days=1)).isoformat()
    return f'{start}T00:00:00', f'{end}T00:00:00'


def do_usage_list(client, args):
    """List every project's usage over a period (admin only)."""
    usages = client.usage.list(*_period(args), detailed=True)
    if args.format == 'json':
        tables.print_json(usages)
    else:
        tables.print_list(usages, USAGE_COLUMNS, USAGE_FORMATTERS)


def do_usage(client, args):
    """Show one project's usage over a period."""
    usage = client.usage.get(_project(client, args), *_period(args))
    if args.format == 'json':
        tables.print_json(usage)
    else:
        tables.print_list([usage] if usage else [], USAGE_COLUMNS, USAGE_FORMATTERS)


def _add_period(parser):
    parser.add_argument('--start', metavar='YYYY-MM-DD', help='Start (default: 4 weeks ago).')
    parser.add_argument('--end', metavar='YYYY-MM-DD', help='End (default: tomorrow).')


def register(subparsers):
    p = commands.add(subparsers, 'quota-show', do_quota_show)
    p.add_argument('--tenant', metavar='PROJECT', help="Project (default: the caller's).")
    p.add_argument('--user', metavar='USER_ID', help="A user's quota in the project.")
    p.add_argument('--detail', action='store_true', help='Add usage.')
    commands.add_format(p)
    p = commands.add(subparsers, 'quota-defaults', do_quota_defaults)
    p.add_argument('--tenant', metavar='PROJECT', help="Project (default: the caller's).")
    commands.add_format(p)
    p = commands.add(subparsers, 'quota-update', do_quota_update)
    p.add_argument('tenant', metavar='PROJECT', help='Project whose quota to set.')
    p.add_argument('--user', metavar='USER_ID', help="Set one user's quota.")
    for name in _SETTABLE:
        p.add_argument('--' + name.replace('_', '-'), dest=name, metavar='N', type=int,
                       help=f'New limit of {name.replace("_", " ")}.')
    p.add_argument('--force', action='store_true',
                   help='Set limits even below what is already used.')
    p = commands.add(subparsers, 'quota-delete', do_quota_delete)
    p.add_argument('--tenant', metavar='PROJECT', required=True, help='Project to reset.')
    p.add_argument('--user', metavar='USER_ID', help="Reset one user's quota only.")
    p = commands.add(subparsers, 'limits', do_limits)
    p.add_argument('--tenant', metavar='PROJECT', help="Another project's (admin only).")
    commands.add_format(p)
    p = commands.add(subparsers, 'usage-list', do_usage_list)
    _add_period(p)
    commands.add_format(p)
    p = commands.add(subparsers, 'usage', do_usage)
    p.add_argument('--tenant', metavar='PROJECT', help="Project (default: the caller's).")
    _add_period(p)
    commands.add_format(p)

"""Host drain commands (novalite's own): host-drain, host-drain-show, host-drain-list."""

import time

from novalite.cli import commands, drain_progress, progress, tables

_SERVER_COLUMNS = ['Server Id', 'Status', 'Move', 'Attempts', 'Source Compute',
                   'Dest Compute', 'Migration Id', 'Message']
_LIST_COLUMNS = ['Id', 'Host', 'Mode', 'Status', 'Max Outbound Per Host', 'Max Parallel',
                 'Created At', 'Finished At']


def _print(drain, args):
    if args.format == 'json':
        tables.print_json(drain)
        return
    tables.print_list(drain['servers'], _SERVER_COLUMNS)
    print(drain_progress.summary_line(drain, 0).split(';')[0])


def _watch(client, drain, args):
    """Poll until the drain ends, showing a bar per server on stderr."""
    labels = {server['id']: server['name'] for server in
              client.servers.list(detailed=False, all_tenants=True, host=drain['host'])}
    reporter = drain_progress.DrainReporter(labels)
    while True:
        reporter.report(drain)
        if drain['status'] != 'running':
            return drain
        time.sleep(args.poll_interval)
        drain = client.host_drains.get(drain['id'])


def do_host_drain(client, args):
    """Drain a compute host (admin): disable it and move every server off it, server-side.

    Live drains live-migrate running and paused servers and cold-migrate stopped
    ones; --cold cold-migrates them all. At most --max-outbound of the host's
    servers move at once, and --max-parallel across every drain in the cloud; a
    server whose move fails is tried once more on another host. Waits until the
    drain ends (a bar per server and an ETA on stderr) and exits 1 if any server
    could not be moved; --no-wait returns once the drain is queued.
    """
    drain = client.host_drains.create(args.host, 'cold' if args.cold else 'live',
                                      args.max_outbound, args.max_parallel)
    if not args.no_wait:
        drain = _watch(client, drain, args)
    _print(drain, args)
    return 1 if drain['status'] == 'failed' else None


def do_host_drain_show(client, args):
    """Show a host drain with each server's status, move and destination."""
    _print(client.host_drains.get(args.drain), args)


def do_host_drain_list(client, args):
    """List host drains, newest first."""
    drains = client.host_drains.list(host=args.host)
    if args.format == 'json':
        tables.print_json(drains)
    else:
        tables.print_list(drains, _LIST_COLUMNS)


def register(subparsers):
    p = commands.add(subparsers, 'host-drain', do_host_drain)
    p.add_argument('host', metavar='HOST', help='The compute host to drain.')
    mode = p.add_mutually_exclusive_group()
    mode.add_argument('--live', action='store_true',
                      help='Live-migrate running servers (the default).')
    mode.add_argument('--cold', action='store_true', help='Cold-migrate every server.')
    p.add_argument('--max-outbound', type=commands.positive_int, metavar='N',
                   help="Servers moving off the host at once (default: the cloud's "
                        '[migration] max_outbound_per_host).')
    p.add_argument('--max-parallel', type=commands.positive_int, metavar='N',
                   help="Moves of every drain at once (default: the cloud's "
                        '[migration] max_parallel).')
    p.add_argument('--no-wait', action='store_true',
                   help='Return once the drain is queued.')
    p.add_argument('--poll-interval', type=commands.seconds, metavar='SECONDS',
                   default=progress.POLL_INTERVAL,
                   help='Seconds between polls (default %(default)s).')
    commands.add_format(p)
    p = commands.add(subparsers, 'host-drain-show', do_host_drain_show)
    p.add_argument('drain', metavar='DRAIN', help='ID of the drain.')
    commands.add_format(p)
    p = commands.add(subparsers, 'host-drain-list', do_host_drain_list)
    p.add_argument('--host', metavar='HOST', help="Only this host's drains.")
    commands.add_format(p)

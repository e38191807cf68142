"""``novalite``: a nova-style command line for the Compute API.

Commands are spelled as python-novaclient's ``nova`` spells them (``boot``, ``list``,
``show``, ``flavor-create``, ``service-disable``, ...) and print the same tables.
The endpoint and token come from options or the environment::

    export NOVALITE_URL=http://controller:8774/v2.1 NOVALITE_TOKEN=admin:admin
    novalite boot web --flavor m1.tiny --image cirros --wait

Each run asks for the newest microversion both the server and this client
support (``2.latest``, read from the server's version document), unless
``--os-compute-api-version`` or ``NOVALITE_COMPUTE_API_VERSION`` names one.

Exit status: 0 on success, 1 when the API or the network fails (one ``ERROR:``
line on stderr), 2 for a command line that does not parse, 130 on Ctrl-C. A
traceback is shown only with ``--debug``, which also logs every HTTP exchange.
"""

import argparse
import contextlib
import logging
import os
import re
import sys
import traceback

from novalite.cli import client as api_client
from novalite.cli.commands import (
    UsageError,
    aggregates,
    flavors,
    host_drains,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    migrations,
    quotas,
    rebuild,
    rescue,
    server_admin,
    server_groups,
    server_images,
    server_properties,
    servers,
    services,
    versions,
    volumes,
)
from novalite.cli.exceptions import ClientError

COMMAND_MODULES = [servers, rebuild, migrations, host_drains, instance_actions, flavors,
                   services, hypervisors, images, versions, keypairs, quotas, volumes,
                   server_images, server_properties, server_groups, aggregates, server_admin,
                   rescue]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``ERROR:`` line and exit status 2."""

    def error(self, message):
        # argparse lists every command after an unknown one; name only the culprit.
        unknown = re.match(r'argument COMMAND: invalid choice: (.+?) \(choose from', message)
        if unknown:
            message = f'unknown command {unknown.group(1)}'
        self.exit(2, f"ERROR: {self.prog}: {message} (see '{self.prog} --help')\n")


def _microversion(text):
    if api_client.is_latest(text):
        return api_client.LATEST
    try:
        api_client.parse_microversion(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f'{exc}, or 2.latest') from None
    return text


def _timeout(text):
    try:
        value = float(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return value


def build_parser():
    """The full parser: global options and every subcommand.

    Environment defaults are read here, so each call sees the current environment.
    """
    parser = _Parser(
        prog='novalite',
        description='Command-line client for the novalite Compute API (OpenStack '
                    'Compute API v2.1 wire format).',
        epilog="See 'novalite help COMMAND' for help on a command.")
    parser.add_argument(
        '--os-compute-url', metavar='URL',
        default=os.environ.get('NOVALITE_URL', api_client.DEFAULT_URL),
        help='Compute API endpoint. Defaults to env[NOVALITE_URL] or '
             f'{api_client.DEFAULT_URL}.')
    parser.add_argument(
        '--os-volume-url', metavar='URL', default=os.environ.get('NOVALITE_VOLUME_URL'),
        help='Block Storage API v3 endpoint with the project, e.g. '
             'http://127.0.0.1:8776/v3/admin. Defaults to env[NOVALITE_VOLUME_URL] or '
             "port 8776 of the compute endpoint's host.")
    parser.add_argument(
        '--os-token', metavar='TOKEN',
        default=os.environ.get('NOVALITE_TOKEN', api_client.DEFAULT_TOKEN),
        help='Token sent as X-Auth-Token; with noauth2 it is USER:PROJECT. '
             f'Defaults to env[NOVALITE_TOKEN] or {api_client.DEFAULT_TOKEN}.')
    parser.add_argument(
        '--os-compute-api-version', metavar='VERSION', type=_microversion,
        default=os.environ.get('NOVALITE_COMPUTE_API_VERSION', api_client.LATEST),
        help='Compute API microversion to request, MAJOR.MINOR or 2.latest: the newest '
             'both the server (its version document) and this client '
             f'({api_client.API_MAX_VERSION}) support. Defaults to '
             f'env[NOVALITE_COMPUTE_API_VERSION] or {api_client.LATEST}.')
    parser.add_argument(
        '--timeout', metavar='SECONDS', type=_timeout, default=30,
        help='Seconds to wait for each HTTP response (default %(default)s).')
    parser.add_argument(
        '--debug', action='store_true',
        help='Log every HTTP request and response to stderr and show tracebacks.')
    subparsers = parser.add_subparsers(dest='command', metavar='COMMAND', title='commands')
    for module in COMMAND_MODULES:
        module.register(subparsers)
    help_parser = subparsers.add_parser(
        'help', help='Show help for novalite or for one of its commands.',
        description='Show help for novalite or for one of its commands.')
    help_parser.add_argument('topic', metavar='COMMAND', nargs='?',
                             help='The command to show help for.')
    help_parser.set_defaults(func=None)
    parser.set_defaults(subparsers=subparsers)
    return parser


def _show_help(parser, args):
    if not args.topic:
        parser.print_help()
        return 0
    subparser = args.subparsers.choices.get(args.topic)
    if subparser is None:
        print(f"ERROR: novalite help: unknown command '{args.topic}' "
              "(see 'novalite --help')", file=sys.stderr)
        return 2
    subparser.print_help()
    return 0


@contextlib.contextmanager
def _debug_logging(debug):
    """With ``--debug``, log the client's HTTP exchanges to stderr while the command runs.

    The handler goes when the command ends, so that a caller running several
    commands in one process (the tests) does not keep writing to an old stderr.
    """
    if not debug:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('DEBUG %(name)s: %(message)s'))
    logger = logging.getLogger('novalite.cli')
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def _one_line(text):
    return ' '.join(str(text).split())


def main(argv=None):
    """Run one ``novalite`` command and return its exit status.

    :param argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # --help exits 0, a usage error 2; return rather than exit so callers
        # (and tests) get the status the same way for every outcome.
        return exc.code if isinstance(exc.code, int) else 0
    if args.command is None:
        print("ERROR: novalite: no command given (see 'novalite --help')", file=sys.stderr)
        return 2
    if args.command == 'help':
        return _show_help(parser, args)
    with _debug_logging(args.debug):
        return _run(args)


def _run(args):
    """Run the parsed command; returns its exit status, errors told in one line."""
    try:
        client = api_client.Client(args.os_compute_url, token=args.os_token,
                                   microversion=args.os_compute_api_version,
                                   timeout=args.timeout, volume_endpoint=args.os_volume_url)
        return args.func(client, args) or 0
    except UsageError as exc:
        print(f"ERROR: novalite {args.command}: {_one_line(exc)} "
              f"(see 'novalite {args.command} --help')", file=sys.stderr)
        return 2
    except ClientError as exc:
        if args.debug:
            traceback.print_exc()
        print(f'ERROR: {_one_line(exc)}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('ERROR: interrupted', file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (novalite list | head): stop quietly, and
        # point stdout at /dev/null so the interpreter's final flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(f'ERROR: unexpected {type(exc).__name__}: {_one_line(exc)} '
              '(run with --debug for a traceback)', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())

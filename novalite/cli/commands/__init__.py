"""The shell's subcommands, one module per resource, spelled as novaclient spells them.

Each module has ``register(subparsers)``, which adds its commands with ``add``. A
command is a function ``(client, args) -> exit code or None`` whose docstring is its
help: the first line for ``novalite --help``, the whole text for ``novalite CMD
--help``. Output goes to stdout; errors are raised (``ClientError``,
``UsageError``) or, where a command goes on past a failure, written to stderr.
"""

import argparse
import inspect
import sys

from novalite.cli import tables


class UsageError(Exception):
    """Arguments that parse but do not make sense together; exit status 2."""


def add(subparsers, name, func):
    """Add ``func`` as the subcommand ``name`` and return its parser."""
    doc = inspect.getdoc(func) or ''
    parser = subparsers.add_parser(
        name, help=doc.split('\n', 1)[0], description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def error(message):
    """Report one failure of a command that goes on with the rest."""
    print(f"ERROR: {' '.join(str(message).split())}", file=sys.stderr)


def key_value(text):
    """argparse type for ``KEY=VALUE``."""
    key, sep, value = text.partition('=')
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"'{text}' is not KEY=VALUE")
    return key, value


def boolean(text):
    """argparse type for a yes/no value."""
    lowered = text.strip().lower()
    if lowered in ('true', 't', 'yes', 'y', '1', 'on'):
        return True
    if lowered in ('false', 'f', 'no', 'n', '0', 'off'):
        return False
    raise argparse.ArgumentTypeError(f"'{text}' is not a boolean (true or false)")


def _int_at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"'{text}' must be {minimum} or more")
        return value
    return parse


positive_int = _int_at_least(1)
"""argparse type for an integer of 1 or more."""
non_negative_int = _int_at_least(0)
"""argparse type for an integer of 0 or more."""


def seconds(text):
    """argparse type for a positive duration in seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be more than 0")
    return value


def output(args, value, render):
    """Print ``value`` as the API answered it with ``--format json``, else call ``render``."""
    if getattr(args, 'format', 'table') == 'json':
        tables.print_json(value)
    else:
        render()


def add_format(parser):
    """Give a listing or show command ``--format table|json``."""
    parser.add_argument('--format', choices=('table', 'json'), default='table',
                        help='Output format (default: table).')
    return parser

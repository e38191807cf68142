"""version-list: the API versions and microversion range the server offers."""

from novalite.cli import commands, tables


def do_version_list(client, args):
    """List the API versions, with the microversion range of each."""
    versions = client.versions.list()
    commands.output(args, versions, lambda: tables.print_list(
        versions, ['Id', 'Status', 'Updated', 'Min Version', 'Version']))


def register(subparsers):
    commands.add_format(commands.add(subparsers, 'version-list', do_version_list))

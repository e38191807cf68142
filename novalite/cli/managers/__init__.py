"""Resource managers of the Python client: one per API resource, as novaclient has.

The shell commands that use them are in ``novalite.cli.commands``.
"""

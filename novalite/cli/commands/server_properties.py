"""A server's metadata and tags: meta, server-tag-add/-list/-delete/-delete-all/-set."""

from novalite.cli import commands, tables


def do_meta(client, args):
    """Set or delete a server's metadata: meta SERVER set KEY=VALUE..., meta SERVER delete KEY..."""
    server_id = client.servers.resolve_id(args.server)
    if args.action == 'set':
        pairs = dict(item.partition('=')[::2] for item in args.metadata)
        if any('=' not in item or item.startswith('=') for item in args.metadata):
            raise commands.UsageError('meta set takes KEY=VALUE pairs')
        client.server_properties.set_metadata(server_id, pairs)
        return
    for key in args.metadata:
        client.server_properties.delete_metadata(server_id, key.partition('=')[0])


def do_server_tag_add(client, args):
    """Add tags to a server (compute API 2.26 or later)."""
    server_id = client.servers.resolve_id(args.server)
    for tag in args.tag:
        client.server_properties.add_tag(server_id, tag)


def do_server_tag_list(client, args):
    """List a server's tags."""
    tags = client.server_properties.tags(client.servers.resolve_id(args.server))
    if args.format == 'json':
        tables.print_json(tags)
    else:
        tables.print_list([{'tag': tag} for tag in tags], ['Tag'])


def do_server_tag_delete(client, args):
    """Remove tags from a server."""
    server_id = client.servers.resolve_id(args.server)
    for tag in args.tag:
        client.server_properties.delete_tag(server_id, tag)


def do_server_tag_delete_all(client, args):
    """Remove every tag of a server."""
    client.server_properties.set_tags(client.servers.resolve_id(args.server), [])


def do_server_tag_set(client, args):
    """Replace a server's tags with the ones given."""
    client.server_properties.set_tags(client.servers.resolve_id(args.server), args.tag)


def _server(parser):
    parser.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    return parser


def register(subparsers):
    p = _server(commands.add(subparsers, 'meta', do_meta))
    p.add_argument('action', choices=('set', 'delete'), help='set or delete.')
    p.add_argument('metadata', metavar='KEY[=VALUE]', nargs='+',
                   help='KEY=VALUE to set, KEY to delete.')
    for name, func in (('server-tag-add', do_server_tag_add),
                       ('server-tag-delete', do_server_tag_delete),
                       ('server-tag-set', do_server_tag_set)):
        p = _server(commands.add(subparsers, name, func))
        p.add_argument('tag', metavar='TAG', nargs='+', help='A tag.')
    commands.add_format(_server(commands.add(subparsers, 'server-tag-list',
                                             do_server_tag_list)))
    _server(commands.add(subparsers, 'server-tag-delete-all', do_server_tag_delete_all))

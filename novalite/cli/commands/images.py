"""Image commands, through the compute API's image proxy."""

from novalite.cli import commands, tables


def _server_of(image):
    server = image.get('server') or {}
    return server.get('id') or (image.get('metadata') or {}).get('instance_uuid', '')


def do_image_list(client, args):
    """List images."""
    images = client.images.list(detailed=True)
    commands.output(args, images, lambda: tables.print_list(
        images, ['ID', 'Name', 'Status', 'Server'], {'Server': _server_of}))


def do_image_show(client, args):
    """Show details about an image."""
    image = client.images.resolve(args.image)
    commands.output(args, image, lambda: tables.print_dict(
        {k: v for k, v in image.items() if k != 'links'}))


def register(subparsers):
    commands.add_format(commands.add(subparsers, 'image-list', do_image_list))
    p = commands.add_format(commands.add(subparsers, 'image-show', do_image_show))
    p.add_argument('image', metavar='IMAGE', help='Name or ID of the image.')

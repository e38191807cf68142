"""Options of the local image service."""

from oslo_config import cfg

image_opts = [
    cfg.StrOpt('images_path',
               default='$state_path/images',
               help="""
Directory of the local image service: each image is a data file named by its
id beside ``<id>.json`` holding its metadata. Every service that resolves or
downloads images (api, conductor, compute) must see the same directory, on
one host or on shared storage.
"""),
]


def register_opts(conf):
    conf.register_opts(image_opts, group='image')


def list_opts():
    return {'image': image_opts}

"""The route table of the v2.1 endpoint: path -> {HTTP method: handler}.

Order matters where a literal segment and a variable compete
(``/servers/detail`` before ``/servers/{server_id}``): the router tries
paths in this order. Every path is also served under ``/{project_id}``.
"""

from novalite.api import (
    availability_zones,
    flavors,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    limits,
    server_actions,
    server_metadata,
    server_tags,
    servers,
    services,
    versions,
)

ROUTES = (
    ('/', {'GET': versions.show}),
    ('/flavors', {'GET': flavors.index, 'POST': flavors.create}),
    ('/flavors/detail', {'GET': flavors.detail}),
    ('/flavors/{flavor_id}', {'GET': flavors.show, 'DELETE': flavors.delete}),
    ('/servers', {'GET': servers.index, 'POST': servers.create}),
    ('/servers/detail', {'GET': servers.detail}),
    ('/servers/{server_id}', {'GET': servers.show, 'PUT': servers.update,
                              'DELETE': servers.delete}),
    ('/servers/{server_id}/action', {'POST': server_actions.dispatch}),
    ('/servers/{server_id}/ips', {'GET': servers.ips}),
    ('/servers/{server_id}/os-instance-actions', {'GET': instance_actions.index}),
    ('/servers/{server_id}/os-instance-actions/{request_id}', {'GET': instance_actions.show}),
    ('/servers/{server_id}/metadata', {'GET': server_metadata.index,
                                       'POST': server_metadata.create,
                                       'PUT': server_metadata.update_all}),
    ('/servers/{server_id}/metadata/{key}', {'GET': server_metadata.show,
                                             'PUT': server_metadata.update,
                                             'DELETE': server_metadata.delete}),
    ('/servers/{server_id}/tags', {'GET': server_tags.index, 'PUT': server_tags.update_all,
                                   'DELETE': server_tags.delete_all}),
    ('/servers/{server_id}/tags/{tag}', {'GET': server_tags.show, 'PUT': server_tags.update,
                                         'DELETE': server_tags.delete}),
    ('/os-services', {'GET': services.index}),
    ('/os-services/{service_id}', {'PUT': services.update, 'DELETE': services.delete}),
    ('/os-hypervisors', {'GET': hypervisors.index}),
    ('/os-hypervisors/detail', {'GET': hypervisors.detail}),
    ('/os-hypervisors/statistics', {'GET': hypervisors.statistics}),
    ('/os-hypervisors/{hypervisor_id}', {'GET': hypervisors.show}),
    ('/os-hypervisors/{hostname_pattern}/search', {'GET': hypervisors.search}),
    ('/os-hypervisors/{hostname_pattern}/servers', {'GET': hypervisors.servers}),
    ('/images', {'GET': images.index}),
    ('/images/detail', {'GET': images.detail}),
    ('/images/{image_id}', {'GET': images.show}),
    ('/os-availability-zone', {'GET': availability_zones.index}),
    ('/os-availability-zone/detail', {'GET': availability_zones.detail}),
    ('/os-keypairs', {'GET': keypairs.index, 'POST': keypairs.create}),
    ('/os-keypairs/{keypair_name}', {'GET': keypairs.show, 'DELETE': keypairs.delete}),
    ('/limits', {'GET': limits.index}),
)

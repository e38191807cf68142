"""``POST /os-aggregates/{id}/images`` (2.81, administrators): pre-cache images on the
compute hosts of an aggregate.

The request is checked here (the aggregate exists, each image is one the
image service knows, none twice) and then handed to the conductor, which asks
each host of the aggregate to fetch the images into its image cache (see
:mod:`novalite.conductor.image_precache`). The answer is 202 at once: the
downloads run in the background and their outcome is in the conductor's log,
as Nova has it.
"""

from novalite import exception
from novalite.api import aggregates, microversion, policy, servers, validation, wsgi
from novalite.api.policies import aggregates as rules
from novalite.api.schemas import aggregates as schemas
from novalite.db import aggregates as db_aggregates


def _check_images(context, image_ids):
    """:raises Invalid: an image the image service does not know (or show this caller)."""
    images = servers.COMPUTE.image_service
    for image_id in image_ids:
        try:
            images.show(image_id, context)
        except exception.ImageNotFound as exc:
            raise exception.Invalid(exc.format_message()) from None


@microversion.supported('2.81')
@policy.require(rules.IMAGES)
@validation.body(schemas.images)
def create(req, aggregate_id):
    context = wsgi.context(req)
    image_ids = [image['id'] for image in validation.load_body(req)['cache']]
    aggregate_id = aggregates.aggregate_id_of(aggregate_id)
    if len(set(image_ids)) != len(image_ids):
        raise exception.Invalid("Duplicate images in request")
    aggregate = db_aggregates.aggregate_get(aggregate_id)
    _check_images(context, image_ids)
    servers.COMPUTE.compute_task_api.cache_images(context, aggregate['id'], image_ids)
    return wsgi.empty_response(202)

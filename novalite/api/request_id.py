"""Request ids: oslo.middleware's ``x-openstack-request-id`` plus Nova's own header.

Nova clients read ``x-compute-request-id``; both headers carry the id that
the request context, the instance actions and the logs record.
"""

from oslo_middleware import request_id

ENVIRON_KEY = request_id.ENV_REQUEST_ID
COMPUTE_HEADER = 'x-compute-request-id'


class ComputeRequestId(request_id.RequestId):
    compat_headers = [COMPUTE_HEADER]

"""The versioned payloads that cross RPC between novalite's services.

One module per object. Importing this package registers them all; each is
then ``novalite.objects.<Name>`` (the newest version this code knows).
A new shape gets a module and an import here the same way.
"""


def register_all():
    # Imported for their registration side effect.
    from novalite.objects import (  # noqa: F401
        block_device,
        compute_node,
        flavor,
        instance,
        migration,
        node_resources,
        request_spec,
        scheduler_retries,
        selection,
        service,
    )


register_all()

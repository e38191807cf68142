"""Trusted image certificate IDs (2.63, create and rebuild): refused.

Nova keeps them and checks them only when ``[glance]
verify_glance_signatures`` is on; novalite does not verify image
signatures, and saying yes then never checking would promise a
verification that does not happen. ``null`` (none) is fine.
"""

from novalite import exception
from novalite.api import policy


def refuse(ctx, certs, rule, target=None):
    """Answer 400 to certificate IDs, once ``rule`` allows asking for them (else 403).

    :raises Invalid: ``certs`` is not None.
    """
    if certs is None:
        return
    policy.authorize(ctx, rule, target)
    raise exception.Invalid("Image signature certificate validation is not supported: "
                            "novalite does not verify image signatures.")

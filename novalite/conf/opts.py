"""Entry point for ``oslo-config-generator``: every option novalite registers."""

import collections

from novalite.conf import MODULES


def list_opts():
    grouped = collections.defaultdict(list)
    for module in MODULES:
        for group, opts in module.list_opts().items():
            grouped[group].extend(opts)
    return sorted(grouped.items())


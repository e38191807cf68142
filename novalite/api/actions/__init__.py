"""Runners of ``POST /servers/{id}/action``, one module per family of actions.

Each module exports ``ACTIONS``: action name -> :class:`Action`. A runner is
called as ``run(req, ctx, instance, body)`` after the body has been validated
and the action's policy checked on the server; it answers the response.
"""

import collections

# ``versions``: the microversion range in which the action exists (Nova
# answers 404 outside it).
Action = collections.namedtuple('Action', 'rule run versions', defaults=(('2.0', None),))

"""The scheduler: picks compute nodes for servers and claims their resources.

``rpcapi`` is the client the conductor uses, ``manager`` the RPC endpoint of
``novalite-scheduler``. A request goes: host states from the database
(``host_manager``), the filters of ``[scheduler] enabled_filters`` (all must
pass), the weighers of ``[scheduler] weighers`` (normalized, multiplied and
summed), then an atomic claim in the database per server (``selection``).
"""

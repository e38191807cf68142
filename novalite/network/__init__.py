"""The flat network: fixed IPs from one subnet on one bridge per compute host.

:mod:`novalite.network.api` is what the conductor calls on behalf of compute
hosts; :mod:`novalite.network.model` shapes the ``network_info`` that virt
drivers consume.
"""

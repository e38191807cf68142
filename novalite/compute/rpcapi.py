"""Client side of the compute service's RPC interface.

Messages go to ``compute.<host>``, the host that owns the instance.

Version history:

* 1.0 - Initial version: build_and_run_instance, terminate_instance,
  start_instance, stop_instance, reboot_instance, pause_instance,
  unpause_instance, suspend_instance, resume_instance, get_console_output.
"""

from novalite import rpc
from novalite.conf import CONF

TOPIC = 'compute'


class ComputeAPI:
    VERSION = '1.0'

    def __init__(self):
        self.client = rpc.get_client(TOPIC, '1.0', version_cap=CONF.upgrade_levels.compute)

    def _cast(self, context, host, method, **kwargs):
        self.client.prepare(server=host).cast(context, method, **kwargs)

    def build_and_run_instance(self, context, host, instance, node, request_spec,
                               filter_properties, host_list):
        """Build ``instance`` on ``node`` of ``host``; ``host_list`` are its alternates."""
        self._cast(context, host, 'build_and_run_instance', instance=instance, node=node,
                   request_spec=request_spec, filter_properties=filter_properties,
                   host_list=host_list)

    def terminate_instance(self, context, instance):
        self._cast(context, instance['host'], 'terminate_instance', instance=instance)

    def start_instance(self, context, instance):
        self._cast(context, instance['host'], 'start_instance', instance=instance)

    def stop_instance(self, context, instance):
        self._cast(context, instance['host'], 'stop_instance', instance=instance)

    def reboot_instance(self, context, instance, reboot_type):
        self._cast(context, instance['host'], 'reboot_instance', instance=instance,
                   reboot_type=reboot_type)

    def pause_instance(self, context, instance):
        self._cast(context, instance['host'], 'pause_instance', instance=instance)

    def unpause_instance(self, context, instance):
        self._cast(context, instance['host'], 'unpause_instance', instance=instance)

    def suspend_instance(self, context, instance):
        self._cast(context, instance['host'], 'suspend_instance', instance=instance)

    def resume_instance(self, context, instance):
        self._cast(context, instance['host'], 'resume_instance', instance=instance)

    def get_console_output(self, context, instance, tail_length=None):
        return self.client.prepare(server=instance['host']).call(
            context, 'get_console_output', instance=instance, tail_length=tail_length)

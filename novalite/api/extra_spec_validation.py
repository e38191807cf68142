"""Validation of flavor extra specs in the namespaces Nova knows (microversion 2.86).

A key in a known namespace (``hw:``, ``hw_rng:``, ``quota:``, ``resources``...)
must be one Nova defines and its value must have the defined type; a key
without a namespace, or in a namespace nobody defines, is the operator's own
and passes. Messages are Nova's, so clients that match on them still do.
"""

import re

from oslo_utils import strutils

from novalite import exception

_INT = {'type': int}
_POSITIVE = {'type': int, 'min': 1}
_NON_NEGATIVE = {'type': int, 'min': 0}
_BOOL = {'type': bool}
_ANY = {'type': str}
_CPU_SET = {'type': str, 'pattern': r'\^?[0-9]+(-[0-9]+)?(,\^?[0-9]+(-[0-9]+)?)*'}

# (name pattern, value rule). Name patterns are full-match regular expressions.
_VALIDATORS = [
    (r'hw:cpu_policy', {'type': str, 'enum': ('dedicated', 'shared', 'mixed')}),
    (r'hw:cpu_thread_policy', {'type': str, 'enum': ('prefer', 'isolate', 'require')}),
    (r'hw:emulator_threads_policy', {'type': str, 'enum': ('share', 'isolate')}),
    (r'hw:cpu_dedicated_mask', _CPU_SET),
    (r'hw:cpu_realtime', _BOOL),
    (r'hw:cpu_realtime_mask', _CPU_SET),
    (r'hw:cpu_(sockets|cores|threads|max_sockets|max_cores|max_threads)', _POSITIVE),
    (r'hw:numa_nodes', _POSITIVE),
    (r'hw:numa_cpus\.[0-9]+', _CPU_SET),
    (r'hw:numa_mem\.[0-9]+', _NON_NEGATIVE),
    (r'hw:mem_page_size',
     {'type': str, 'pattern': r'(large|small|any|[0-9]+([kKmMgGtT]i?)?(b|bit|B)?)'}),
    (r'hw:mem_encryption', _BOOL),
    (r'hw:mem_encryption_model', {'type': str, 'enum': ('amd-sev', 'amd-sev-es')}),
    (r'hw:pci_numa_affinity_policy',
     {'type': str, 'enum': ('required', 'preferred', 'legacy', 'socket')}),
    (r'hw:watchdog_action',
     {'type': str, 'enum': ('none', 'pause', 'poweroff', 'reset', 'disabled')}),
    (r'hw:boot_menu', _BOOL),
    (r'hw:pmu', _BOOL),
    (r'hw:vif_multiqueue_enabled', _BOOL),
    (r'hw:locked_memory', _BOOL),
    (r'hw:hide_hypervisor_id', _BOOL),
    (r'hw:serial_port_count', _NON_NEGATIVE),
    (r'hw:tpm_version', {'type': str, 'enum': ('1.2', '2.0')}),
    (r'hw:tpm_model', {'type': str, 'enum': ('tpm-tis', 'tpm-crb')}),
    (r'hw:virtio_packed_ring', _BOOL),
    (r'hw:viommu_model', {'type': str, 'enum': ('intel', 'smmuv3', 'virtio', 'auto')}),
    (r'hw:maxphysaddr_mode', {'type': str, 'enum': ('emulate', 'passthrough')}),
    (r'hw:maxphysaddr_bits', _POSITIVE),
    (r'hw:ephemeral_encryption', _BOOL),
    (r'hw_rng:allowed', _BOOL),
    (r'hw_rng:rate_bytes', _NON_NEGATIVE),
    (r'hw_rng:rate_period', _NON_NEGATIVE),
    (r'hw_video:ram_max_mb', _NON_NEGATIVE),
    (r'os:secure_boot', {'type': str, 'enum': ('required', 'disabled', 'optional')}),
    (r'os:monitors', _POSITIVE),
    (r'quota:(cpu_shares|cpu_period|cpu_quota|disk_read_bytes_sec|disk_read_iops_sec|'
     r'disk_write_bytes_sec|disk_write_iops_sec|disk_total_bytes_sec|disk_total_iops_sec|'
     r'disk_read_bytes_sec_max|disk_read_iops_sec_max|disk_write_bytes_sec_max|'
     r'disk_write_iops_sec_max|disk_total_bytes_sec_max|disk_total_iops_sec_max|'
     r'disk_size_iops_sec|vif_inbound_average|vif_inbound_peak|vif_inbound_burst|'
     r'vif_outbound_average|vif_outbound_peak|vif_outbound_burst)', _NON_NEGATIVE),
    (r'resources(_?[a-zA-Z0-9]*)?:[A-Z0-9_]+', _NON_NEGATIVE),
    (r'trait(_?[a-zA-Z0-9]*)?:[A-Z0-9_]+', {'type': str, 'enum': ('required', 'forbidden')}),
    (r'group_policy', {'type': str, 'enum': ('isolate', 'none')}),
    (r'accel:device_profile', _ANY),
    (r'pci_passthrough:alias', {'type': str, 'pattern': r'[^:]+:[1-9][0-9]*(,[^:]+:[1-9][0-9]*)*'}),
    (r'aggregate_instance_extra_specs:.+', _ANY),
    (r'capabilities:.+', _ANY),
]

_NAMESPACES = ('hw', 'hw_rng', 'hw_video', 'os', 'quota', r'resources(_?[a-zA-Z0-9]*)?',
               r'trait(_?[a-zA-Z0-9]*)?', 'accel', 'pci_passthrough',
               'aggregate_instance_extra_specs', 'capabilities')


def _check_int(value, rule):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exception.ValidationError(
            message=f"Validation failed; '{value}' is not a valid integer value.") from None
    if 'min' in rule and number < rule['min']:
        raise exception.ValidationError(
            message=f"Validation failed; '{value}' is less than the min value of "
                    f"'{rule['min']}'.")


def _check_bool(value):
    try:
        strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.ValidationError(
            message=f"Validation failed; '{value}' is not a valid boolean-like value."
        ) from None


def _check_str(value, rule):
    if 'pattern' in rule and not re.fullmatch(rule['pattern'], str(value)):
        raise exception.ValidationError(
            message=f"Validation failed; '{value}' is not of the format '{rule['pattern']}'.")
    if 'enum' in rule and value not in rule['enum']:
        raise exception.ValidationError(
            message=f"Validation failed; '{value}' is not one of: {', '.join(rule['enum'])}.")


def _check_value(value, rule):
    if rule['type'] is int:
        _check_int(value, rule)
    elif rule['type'] is bool:
        _check_bool(value)
    else:
        _check_str(value, rule)


def validate(name, value):
    """Check one extra spec the way Nova does from 2.86.

    :raises ValidationError: a known namespace with an unknown key, or a
        value of the wrong type.
    """
    for pattern, rule in _VALIDATORS:
        if re.fullmatch(pattern, name):
            _check_value(str(value), rule)
            return
    namespace, sep, _rest = name.partition(':')
    if sep and any(re.fullmatch(known, namespace) for known in _NAMESPACES):
        raise exception.ValidationError(
            message=f"Validation failed; extra spec '{name}' does not appear to be a "
                    f"valid extra spec.")

"""NumInstancesWeigher: rank nodes by how many servers they run."""

from novalite.scheduler import weights


class NumInstancesWeigher(weights.BaseHostWeigher):
    """More servers weigh more; a negative ``num_instances_weight_multiplier`` spreads."""

    multiplier_option = 'num_instances_weight_multiplier'

    def weigh_object(self, host_state, spec):
        return host_state.num_instances

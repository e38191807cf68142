"""The compute RPC methods of server moves, mixed into :class:`rpcapi.ComputeAPI`.

Resize and cold migration (1.4; its volumes 1.21) and live migration with its
checks and ``migrate_data`` (1.12; its volumes 1.20): each message goes to the
host that runs its step.
The versions are those of :mod:`novalite.compute.rpcapi`'s history.
"""

from novalite import objects


class MoveRPC:
    """Needs ``self.client``, the compute RPC client."""

    # Moves (1.4): each goes to the host that runs its step. A compute capped
    # below 1.4 cannot move servers; oslo.messaging refuses the send.

    def _move(self, context, host, method, kind='cast', instance=None, migration=None,
              flavor=None, version='1.4', **kwargs):
        payloads = {'instance': objects.Instance.coerce(instance)}
        if migration is not None:
            payloads['migration'] = objects.Migration.coerce(migration)
        if flavor is not None:
            payloads['flavor'] = objects.Flavor.coerce(flavor)
        cctxt = self.client.prepare(server=host, version=version)
        return getattr(cctxt, kind)(context, method, **payloads, **kwargs)

    def resize_instance(self, context, instance, migration, flavor):
        self._move(context, instance['host'], 'resize_instance', instance=instance,
                   migration=migration, flavor=flavor)

    def hands_over_volumes(self):
        """Whether the host a guest arrives on attaches the volumes the one it left
        let go (1.21); below, the host it leaves keeps them."""
        return self.client.can_send_version('1.21')

    def finish_resize(self, context, host, instance, migration, flavor, disk_info):
        self._move(context, host, 'finish_resize', instance=instance, migration=migration,
                   flavor=flavor, disk_info=disk_info, version=self._arrival_version())

    def confirm_resize(self, context, host, instance, migration):
        self._move(context, host, 'confirm_resize', instance=instance, migration=migration)

    def revert_resize(self, context, instance, migration):
        self._move(context, instance['host'], 'revert_resize', instance=instance,
                   migration=migration)

    def finish_revert_resize(self, context, host, instance, migration):
        self._move(context, host, 'finish_revert_resize', instance=instance,
                   migration=migration, version=self._arrival_version())

    def _arrival_version(self):
        return '1.21' if self.hands_over_volumes() else '1.4'

    # Live migration checks and migrate_data (1.12): a compute capped below
    # gets the 1.4 calls, without checks and migrate_data.

    def supports_live_checks(self):
        return self.client.can_send_version('1.12')

    def check_can_live_migrate_destination(self, context, host, instance, src_cpu_info,
                                           block_migration):
        """Ask the destination (which asks the source) whether the guest can move:
        returns ``migrate_data``. :raises MigrationPreCheckError:"""
        cctxt = self.client.prepare(server=host, version='1.12')
        return cctxt.call(context, 'check_can_live_migrate_destination',
                          instance=objects.Instance.coerce(instance),
                          src_cpu_info=src_cpu_info, block_migration=block_migration)

    def check_can_live_migrate_source(self, context, host, instance, dest_check_data):
        cctxt = self.client.prepare(server=host, version='1.12')
        return cctxt.call(context, 'check_can_live_migrate_source',
                          instance=objects.Instance.coerce(instance),
                          dest_check_data=dest_check_data)

    def pre_live_migration(self, context, host, instance, migration, migrate_data=None):
        """The destination's preparation; a call, done before the source starts.

        :returns: ``migrate_data`` with the destination's part (1.12), or None;
            with its volume connections from 1.20.
        """
        if not self.supports_live_checks():
            self._move(context, host, 'pre_live_migration', kind='call', instance=instance,
                       migration=migration)
            return None
        migrate_data = dict(migrate_data or {})
        version = '1.12'
        if self.client.can_send_version('1.20'):
            version = '1.20'
            migrate_data['connect_volumes'] = True
        return self.client.prepare(server=host, version=version).call(
            context, 'pre_live_migration', instance=objects.Instance.coerce(instance),
            migration=objects.Migration.coerce(migration), migrate_data=migrate_data)

    def live_migration(self, context, instance, migration, block_migration, migrate_data=None):
        if not self.supports_live_checks():
            self._move(context, instance['host'], 'live_migration', instance=instance,
                       migration=migration, block_migration=block_migration)
            return
        self.client.prepare(server=instance['host'], version='1.12').cast(
            context, 'live_migration', instance=objects.Instance.coerce(instance),
            migration=objects.Migration.coerce(migration), block_migration=block_migration,
            migrate_data=migrate_data or {})

    def rollback_live_migration_at_destination(self, context, host, instance, migrate_data):
        """Undo the destination's preparation (1.12; an older one keeps its leftovers)."""
        if not self.supports_live_checks():
            return
        self.client.prepare(server=host, version='1.12').cast(
            context, 'rollback_live_migration_at_destination',
            instance=objects.Instance.coerce(instance), migrate_data=migrate_data or {})

    def post_live_migration_at_destination(self, context, host, instance):
        self._move(context, host, 'post_live_migration_at_destination', instance=instance)

    def live_migration_abort(self, context, instance, migration_id):
        self._move(context, instance['host'], 'live_migration_abort', instance=instance,
                   migration_id=migration_id)

    def live_migration_force_complete(self, context, instance):
        self._move(context, instance['host'], 'live_migration_force_complete',
                   instance=instance)

"""Request context: who is asking, carried from the API through RPC to compute."""

from oslo_context import context


class RequestContext(context.RequestContext):
    """A security context with the identity of the caller.

    ``is_admin`` is derived from the roles unless given; contexts cross RPC
    as dicts (:meth:`to_dict` / :meth:`from_dict`).
    """

    def __init__(self, is_admin=None, **kwargs):
        super().__init__(**kwargs)
        if is_admin is None:
            is_admin = 'admin' in (self.roles or [])
        self.is_admin = is_admin

    def to_dict(self):
        values = super().to_dict()
        values['is_admin'] = self.is_admin
        return values

    @classmethod
    def from_dict(cls, values):
        return super().from_dict(values, is_admin=values.get('is_admin'))


def get_admin_context():
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], overwrite=False)

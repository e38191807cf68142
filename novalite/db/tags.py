"""Server tags (2.26): read, set, add, delete, and the listing filters over them.

A server has at most ``MAX_TAGS`` tags. The four listing filters of Nova
(``tags``, ``tags-any``, ``not-tags``, ``not-tags-any``) are SQL criteria
on the instances' uuid column, so a filtered listing stays one query.
"""

import collections

import sqlalchemy as sa

from novalite import exception
from novalite.db import engine, models

MAX_TAGS = 50

_TAGS = models.Tag.__table__


def tags_get(instance_uuid):
    """The server's tags, sorted."""
    return tags_get_for_instances([instance_uuid]).get(instance_uuid, [])


def tags_get_for_instances(instance_uuids):
    """``{uuid: [tag, ...]}`` of the servers that have tags, each list sorted; one query."""
    if not instance_uuids:
        return {}
    statement = (sa.select(_TAGS.c.resource_id, _TAGS.c.tag)
                 .where(_TAGS.c.resource_id.in_(sorted(set(instance_uuids))))
                 .order_by(_TAGS.c.resource_id, _TAGS.c.tag))
    found = collections.defaultdict(list)
    with engine.reader() as session:
        for resource_id, tag in session.execute(statement):
            found[resource_id].append(tag)
    return dict(found)


def tag_exists(instance_uuid, tag):
    with engine.reader() as session:
        return session.execute(sa.select(_TAGS.c.tag).where(
            _TAGS.c.resource_id == instance_uuid, _TAGS.c.tag == tag)).first() is not None


def tag_add(instance_uuid, tag):
    """Add one tag (a no-op if present); returns True if it was new.

    :raises TooManyTags: the server already has ``MAX_TAGS`` tags.
    """
    with engine.writer() as session:
        current = set(session.execute(sa.select(_TAGS.c.tag).where(
            _TAGS.c.resource_id == instance_uuid)).scalars())
        if tag in current:
            return False
        if len(current) >= MAX_TAGS:
            raise exception.TooManyTags(limit=MAX_TAGS)
        session.execute(sa.insert(_TAGS).values(resource_id=instance_uuid, tag=tag))
        return True


def tags_set(instance_uuid, tags):
    """Replace the server's tags with ``tags``; returns them sorted.

    :raises TooManyTags:
    """
    tags = sorted(set(tags))
    if len(tags) > MAX_TAGS:
        raise exception.TooManyTags(limit=MAX_TAGS)
    with engine.writer() as session:
        _delete_all(session, instance_uuid)
        add_all(session, instance_uuid, tags)
    return tags


def add_all(session, instance_uuid, tags):
    """Give a server ``tags`` (checked, none of them its yet) in the caller's transaction."""
    if tags:
        session.execute(sa.insert(_TAGS), [{'resource_id': instance_uuid, 'tag': tag}
                                           for tag in sorted(set(tags))])


def tag_delete(instance_uuid, tag):
    """:raises TagNotFound:"""
    with engine.writer() as session:
        deleted = session.execute(sa.delete(_TAGS).where(
            _TAGS.c.resource_id == instance_uuid, _TAGS.c.tag == tag)).rowcount
    if not deleted:
        raise exception.TagNotFound(tag=tag, instance_id=instance_uuid)


def tags_delete_all(instance_uuid):
    with engine.writer() as session:
        _delete_all(session, instance_uuid)


def delete_for_instance(session, instance_uuid):
    """Drop a server's tags in the caller's transaction (the one deleting it)."""
    _delete_all(session, instance_uuid)


def _delete_all(session, instance_uuid):
    session.execute(sa.delete(_TAGS).where(_TAGS.c.resource_id == instance_uuid))


def _having_all(tags):
    return (sa.select(_TAGS.c.resource_id).where(_TAGS.c.tag.in_(tags))
            .group_by(_TAGS.c.resource_id)
            .having(sa.func.count(sa.distinct(_TAGS.c.tag)) == len(set(tags))))


def instance_tag_criteria(uuid_column, tags=None, tags_any=None, not_tags=None,
                          not_tags_any=None):
    """SQL criteria on ``uuid_column`` (the instances' uuid) for Nova's tag filters.

    Each argument is a list of tags (the API splits the comma-separated
    query values): ``tags``, the server has every one; ``tags_any``, at
    least one; ``not_tags``, not every one; ``not_tags_any``, none of them.
    Returns a list of criteria to AND into the listing's WHERE clause.
    """
    criteria = []
    if tags:
        criteria.append(uuid_column.in_(_having_all(tags)))
    if tags_any:
        criteria.append(uuid_column.in_(
            sa.select(_TAGS.c.resource_id).where(_TAGS.c.tag.in_(tags_any))))
    if not_tags:
        criteria.append(uuid_column.not_in(_having_all(not_tags)))
    if not_tags_any:
        criteria.append(uuid_column.not_in(
            sa.select(_TAGS.c.resource_id).where(_TAGS.c.tag.in_(not_tags_any))))
    return criteria

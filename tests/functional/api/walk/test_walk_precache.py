"""Microversion step of image pre-caching (helper ``precache``): 2.81 adds
``POST /os-aggregates/{id}/images``. Its checks are in
tests/functional/api/test_aggregate_images.py and the all-in-one's in
tests/functional/test_all_in_one_precache.py."""

from novalite.conductor import rpcapi as conductor_rpcapi
from novalite.db import aggregates as db_aggregates


def test_aggregate_image_precaching_from_2_81(admin, image, beyond_max, monkeypatch):
    sent = []
    monkeypatch.setattr(conductor_rpcapi.ComputeTaskAPI, 'cache_images',
                        lambda self, ctx, aggregate_id, image_ids: sent.append(image_ids))
    aggregate = db_aggregates.aggregate_create('walk', None)
    path, body = f"/os-aggregates/{aggregate['id']}/images", {'cache': [{'id': image['id']}]}
    assert admin.at('2.80').post(path, body).status_int == 404
    assert admin.at('2.81').post(path, body).status_int == 202
    assert sent == [[image['id']]]

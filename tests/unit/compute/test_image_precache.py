"""A compute host's answer to a pre-cache request: what became of each image."""

from novalite import exception
from novalite.compute import image_precache


class _Driver:
    def __init__(self, cached=(), failing=(), supported=True):
        self.cached, self.failing, self.supported = set(cached), failing, supported
        self.asked = []

    def cache_image(self, context, image_id):
        self.asked.append(image_id)
        if not self.supported:
            raise NotImplementedError()
        if image_id in self.failing:
            raise exception.ImageNotFound(image_id=image_id)
        fresh = image_id not in self.cached
        self.cached.add(image_id)
        return fresh


def test_downloaded_images_are_cached_and_present_ones_existing():
    driver = _Driver(cached=['a'])
    assert image_precache.cache_images(driver, None, ['a', 'b']) == {
        'a': 'existing', 'b': 'cached'}


def test_an_image_that_fails_is_an_error_and_the_next_is_still_cached():
    driver = _Driver(failing=['a'])
    assert image_precache.cache_images(driver, None, ['a', 'b']) == {
        'a': 'error', 'b': 'cached'}
    assert driver.asked == ['a', 'b']


def test_a_driver_without_an_image_cache_answers_unsupported():
    driver = _Driver(supported=False)
    assert image_precache.cache_images(driver, None, ['a']) == {'a': 'unsupported'}

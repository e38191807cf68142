"""Loading filter and weigher classes by the names the configuration gives.

A short name is looked up among the subclasses of a base class defined in
novalite's own modules; a dotted name (``package.module.ClassName``) is
imported, so that out-of-tree filters and weighers plug in the same way.
"""

import importlib


def _subclasses(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def load_classes(names, base, modules, not_found):
    """The classes named by ``names``, in order.

    :param names: short class names or dotted paths.
    :param base: the class every loaded class must derive from.
    :param modules: module paths to import first, defining the short names.
    :param not_found: exception class raised (with ``name`` and ``known``)
        for a name that is not a subclass of ``base``.
    """
    for module in modules:
        importlib.import_module(module)
    known = {cls.__name__: cls for cls in _subclasses(base) if not cls.__name__.startswith('_')}
    classes = []
    for name in names:
        cls = known.get(name) or _import_dotted(name)
        if cls is None or not (isinstance(cls, type) and issubclass(cls, base)):
            raise not_found(name=name, known=', '.join(sorted(known)))
        classes.append(cls)
    return classes


def _import_dotted(name):
    module_name, _dot, class_name = name.rpartition('.')
    if not module_name:
        return None
    try:
        return getattr(importlib.import_module(module_name), class_name, None)
    except ImportError:
        return None

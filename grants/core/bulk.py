"""Helpers for the few computations that handle a whole call at once (a ranking of tens of thousands of
applications): bench/ranking measures them."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a computation allocates hundreds of thousands of
    short-lived, acyclic objects (rows, Decimals, tuples). Each of the collections their allocation would
    trigger walks every object alive in the process: ~40% of a 50,000-application ranking's time. Reference
    counting still frees everything as usual; a cycle made meanwhile waits for the next collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

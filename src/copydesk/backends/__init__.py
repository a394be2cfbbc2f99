"""Backends: the engine's batch stages run on a distributed engine (`copydesk.backends.spark`). pyspark is
imported lazily, by the functions that need it (``pip install 'copydesk[spark]'``)."""

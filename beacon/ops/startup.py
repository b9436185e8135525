"""What a server process does once, after Django is set up and before its first request.

Python's cyclic garbage collector walks every tracked object of the oldest generation each time
it collects that generation. After start-up that is mostly what lives for the whole process:
modules, Django's URL resolvers and compiled templates, the ZIP-code table Find Help reads. On a
50,000-service directory a full collection measured 40-48 ms, landing on about one search in 20
and putting the 95th percentile of Find Help over its 50 ms target (bench/RESULTS.md).
`gc.freeze()` moves everything alive now into a permanent generation the collector skips, so a
collection only walks what requests themselves allocate. Nothing frozen is ever freed, which is
what start-up objects are anyway.
"""

from __future__ import annotations

import gc


def prepare_process() -> None:
    """Load the data requests read on first use, then freeze the start-up heap.

    Called by config/wsgi.py and config/asgi.py (so in every gunicorn worker) and by the
    benchmarks in bench/, which measure what a server process does.
    """
    from beacon.findhelp.selectors import zip_place

    # The zipcodes package reads its whole table (about 42,000 ZIP codes) on first use.
    zip_place("01604")
    gc.collect()
    gc.freeze()

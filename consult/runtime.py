"""Process-level tuning for a long-running server process.

CPython's cyclic garbage collector stops the whole process while it walks every tracked
object of the generation it collects. A web process holds a few hundred thousand objects
from its imports (Flask, SQLAlchemy, Jinja, the models) that will live as long as the
process, and a live session adds a few hundred more per connected juror. Measured with
1,000 jurors per gevent process (bench/live_load.py, docs/live.md), full collections
paused a server for 100 ms to over a second, every delivery in flight waiting behind
them: the largest single cause of slow fan-out.

`settle_memory` is called once the app is built: it collects what start-up left behind,
moves every surviving object to the permanent generation (`gc.freeze`, so no collection
walks them again) and collects young objects less often. Cycles are still collected;
only their timing changes.
"""

from __future__ import annotations

import gc
import os

# Young-generation threshold: collections every N net allocations instead of every 700.
# One young collection then walks at most ~N objects (a few milliseconds), and far fewer
# of them promote short-lived request objects into the older generations.
DEFAULT_GEN0_THRESHOLD = 50_000


def settle_memory(gen0_threshold: int | None = None) -> None:
    """Freeze start-up objects and raise the young-generation threshold. Set
    `CONSULT_GC_THRESHOLD=0` to leave the collector as Python configures it."""
    if gen0_threshold is None:
        gen0_threshold = int(os.environ.get("CONSULT_GC_THRESHOLD", DEFAULT_GEN0_THRESHOLD))
    if gen0_threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0_threshold, gen1, gen2)

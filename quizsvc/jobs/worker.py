"""`quizsvc worker`: Huey's consumer for the app's queue.

Threads by default: one process, which imports torch in its worker thread only. With
``processes=True`` Huey forks its workers from a parent that has run no torch operation (the
app factory runs none), and each worker sets up torch for itself (`Jobs._worker_started`).
"""

from __future__ import annotations

import logging

from flask import Flask

from quizsvc.jobs.queue import jobs_of
from quizsvc.settings import Settings


class ImmediateQueue(RuntimeError):
    """JOBS_IMMEDIATE runs each job where it is enqueued: there is nothing for a worker."""


def run_worker(app: Flask, workers: int, processes: bool) -> None:
    if Settings.of(app).jobs_immediate:
        raise ImmediateQueue(
            "QUIZSVC_JOBS_IMMEDIATE is on, so jobs run where they are enqueued and a worker "
            "would wait for nothing: unset it to use the queue"
        )
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("huey", "quizsvc.jobs", "quizsvc.pools"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    consumer = jobs_of(app).huey.create_consumer(
        workers=workers,
        worker_type="process" if processes else "thread",
        periodic=True,
        check_worker_health=True,
    )
    consumer.run()

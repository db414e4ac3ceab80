"""Background work on a task queue (Huey): pool fills, template reports, LMS score passback
and roster syncs, never in threads of a web worker. `queue` holds the queue and its tasks,
`worker` runs them (`quizsvc worker`).
"""

from quizsvc.jobs.queue import Jobs, init_app, jobs_of

__all__ = ["Jobs", "init_app", "jobs_of"]

"""gunicorn settings for quizsvc (`quizsvc serve` uses this file)."""

import os
import sys

workers = int(os.environ.get("QUIZSVC_WORKERS", str(max(2, os.cpu_count() or 1))))
worker_class = "sync"
# A worker silent this long is killed and restarted. No request should come near it: database
# waits end with a 503 after QUIZSVC_DATABASE_TIMEOUT (3 s), and simulations have a FLOP budget.
# It only catches a worker that is truly stuck, so keep it short.
timeout = 30
graceful_timeout = 20
# Recycle workers to bound slow leaks, rarely: a new worker pays torch's import and the lesson
# loading again (seconds).
max_requests = 20000
max_requests_jitter = 2000  # ... and not all at once
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
preload_app = False  # never import torch state into a process that forks
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl by default, the same path for
# every instance on a host, so each new instance would take it from the last one. Off, unless an
# instance is given a path of its own.
if os.environ.get("QUIZSVC_CONTROL_SOCKET"):
    control_socket = os.environ["QUIZSVC_CONTROL_SOCKET"]
else:
    # The setting behind `--no-control-socket` (a name gunicorn does not know is ignored).
    control_socket_disable = True


def post_fork(server, worker):
    """Per worker: one torch thread (2 workers on 2 cores) and a writable matplotlib cache."""
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(os.getcwd(), "instance", ".mplconfig"))
    import torch

    torch.set_num_threads(1)


def post_worker_init(worker):
    """Check the rate-limit storage against the real worker count, then warm up (first render,
    first kernels, the lesson catalog) before the first request."""
    from gunicorn.arbiter import Arbiter

    from quizsvc.config import ConfigError
    from quizsvc.security.limits import check_shared_storage
    from quizsvc.warmup import warm_up

    try:
        check_shared_storage(worker.wsgi, worker.cfg.workers)
    except ConfigError as exc:
        worker.log.error("quizsvc: %s", exc)
        sys.exit(Arbiter.WORKER_BOOT_ERROR)  # the arbiter stops: "Worker failed to boot."
    warm_up(worker.wsgi)


def child_exit(server, worker):
    """A worker's metrics files stay (its counts are kept); its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

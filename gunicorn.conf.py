"""gunicorn settings for Haven: `gunicorn -c gunicorn.conf.py haven.wsgi`.

The access log leaves out the client address (%(h)s), the user agent (%(a)s) and the query
string (search words, answers to the danger question): logs are where such things leak.
"""

import os

from haven.lib.env import shared_cache_problem

bind = os.environ.get("HAVEN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# Removes addresses from gunicorn's own lines too ("Invalid request from ip=...").
logger_class = "haven.lib.gunicorn_logging.ScrubbingLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Only the proxy in front may set X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("HAVEN_PROXY_ADDRESSES", "127.0.0.1")


# Metrics of several workers (prometheus-client's multiprocess mode): each worker writes its
# values to files in PROMETHEUS_MULTIPROC_DIR; /metrics adds them up. Files of a previous run
# would be added too, so the directory is emptied at start.
def on_starting(server):
    # The final worker count (the command line's --workers included) is known only here.
    problem = shared_cache_problem(server.cfg.workers)
    if problem:
        raise RuntimeError(problem)  # gunicorn prints it and exits with status 1
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

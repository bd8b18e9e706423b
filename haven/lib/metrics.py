"""Prometheus metrics: what each request did, and Haven's own counters. Nothing personal.

Labels hold only route names (the URL pattern's name, never the path with its ids), methods,
status codes and fixed words. With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR makes each
process write its values to a file there, and /metrics adds them up (prometheus-client's
multiprocess mode; gunicorn.conf.py empties the directory at start).
"""

import os
import time

from django.conf import settings
from django.db import connections
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "haven_http_requests",
    "Requests answered, by route name and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "haven_http_request_duration_seconds",
    "Time to answer a request (to its first byte when streamed), by route name",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Histogram(
    "haven_http_request_queries",
    "Database queries made while answering a request, by route name",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
REPORTS_RECEIVED = Counter("haven_reports_received", "Anonymous reports stored")
EXPORTS_RUN = Counter("haven_exports", "Case exports started, by format and way", ["format", "via"])


def route_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name  # "cases:detail", never "/en/staff/cases/C-8K2M4PQ/"
    if request.path_info.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def metrics_middleware(get_response):
    """Count each request, its time and its queries, under its route name."""

    def middleware(request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connections["default"].execute_wrapper(count):
            response = get_response(request)
        route = route_name(request)
        LATENCY.labels(route).observe(time.perf_counter() - started)
        QUERIES.labels(route).observe(queries)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response

    return middleware


def exposition(*collectors) -> tuple[bytes, str]:
    """The text Prometheus reads: this process's (or all processes') metrics, then `collectors`."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    extra = CollectorRegistry()
    for collector in collectors:
        extra.register(collector)
    return generate_latest(registry) + generate_latest(extra), CONTENT_TYPE_LATEST

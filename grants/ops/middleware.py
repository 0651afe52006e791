"""Request metrics for Prometheus (grants/ops/metrics.py).

First in MIDDLEWARE, so the latency covers the whole stack (sessions, authentication, the view) and every
answer is counted, redirects and errors included.
"""

import time

from . import metrics


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        metrics.observe_request(request, response.status_code, time.perf_counter() - started)
        return response

from . import audit


class AuditActorMiddleware:
    """Makes the current request (and so its user, resolved late for API tokens) the audit actor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.request_context(request):
            return self.get_response(request)

"""The federation's two public endpoints: the identity document and the inbox."""

import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from haven.federation.envelope import MAX_SIZE, Refusal
from haven.federation.identity import signed_document
from haven.federation.inbox import receive
from haven.lib.ratelimit import begin_attempt, forgive

log = logging.getLogger(__name__)


@require_GET
def identity_document(request):
    """Public: this deployment's name, country, address and public keys, signed. Nothing personal."""
    response = JsonResponse(signed_document())
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt  # no cookies, no session: a message is trusted by its signature alone
@never_cache
@require_POST
def inbox(request):
    # Refusals are audited: past 60 from one address in 5 minutes, it is refused unread.
    verdict = begin_attempt(
        request, "federation-inbox", slow_after=60, pause=0, refuse_after=60, window=300
    )
    if not verdict.allowed:
        response = JsonResponse({"status": "refused", "reason": "too_many_refusals"}, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if int(request.headers.get("Content-Length") or 0) > MAX_SIZE:
        return JsonResponse({"status": "refused", "reason": "malformed"}, status=400)
    try:
        message = receive(request.body.decode("ascii").strip())
    except UnicodeDecodeError:
        return JsonResponse({"status": "refused", "reason": "malformed"}, status=400)
    except Refusal as refusal:
        return JsonResponse({"status": "refused", "reason": refusal.reason}, status=refusal.status)
    except Exception as error:  # a handler failed: the sender tries again later
        log.error("Federation handler failed: %s", error.__class__.__name__)
        return JsonResponse({"status": "refused", "reason": "handler_failed"}, status=503)
    forgive(request, "federation-inbox")  # only refusals count
    return JsonResponse({"status": "accepted", "id": str(message.message_id)}, status=202)

"""Idempotency keys: a write repeated with one ``Idempotency-Key`` within a day runs once.

A partner may send ``Idempotency-Key`` (1 to 255 printable ASCII characters) on any POST,
PUT, PATCH or DELETE. The key is claimed before the write runs (``dependency``). Once the
write succeeds, its status, headers and body are stored under the partner and the key
(``middleware``). For 24 hours, any later request with the same key, method, path and body
gets that response again, marked ``Idempotent-Replayed: true``. Only ``meta.request_id``
changes: it is the replay's own id, as in ``X-Request-Id``, and the id of the request that
ran is sent in ``Original-Request-Id``.

Conflicts: the same key with another method, path or body is 409 ``idempotency_key_reused``.
A request arriving while the first still runs is 409 ``idempotency_key_in_progress`` with
``Retry-After``, so two copies never run at once. A write that fails (any status outside
2xx) was rolled back, so its key is released and a retry runs again. A claim left by a
request that died (or whose response could not be stored) goes stale after
``operations.STALE_CLAIM_AFTER``, and the next request with the key then runs the write.
"""

"""Background jobs: retries with backoff, the periodic schedule, `haven worker`, the queue's state.

Jobs are django-tasks tasks stored by django-tasks-db in Haven's own database, so a job enqueued
inside a transaction exists exactly when the change that caused it does.
"""

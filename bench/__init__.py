"""Load benchmarks of the Partner API: seeding, a real multi-worker server, and wrk."""

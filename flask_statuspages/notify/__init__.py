"""Notifications that are never lost: an outbox written with each change,
expanded and delivered by a worker (inline, a thread, or RQ), with retries.

- :mod:`.outbox` records events in the transaction of the change;
- :mod:`.fanout` expands an event into one delivery per matching subscriber;
- :mod:`.delivery` claims due deliveries, sends them, records the outcome;
- :mod:`.email` and :mod:`.webhook` are the two channels;
- :mod:`.queues` decides where :func:`.worker.drain` runs.
"""

"""Reads from a replica, writes to the primary (production settings, when a replica is
configured).

Reads inside a transaction stay on the primary: the admin's views run in one, so an
editor always reads what was just written. Public pages, which may lag the primary
by the replica's delay, read from the replica.
"""

from django.db import connections


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "default" if connections["default"].in_atomic_block else "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"

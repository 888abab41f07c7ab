"""Reads from a replica, writes to the primary (production settings, when a replica is
configured).

A read goes to the replica only during a request that ``archive.ops.replica.ReadReplica``
let read it (anonymous GET or HEAD, the replica up and close behind), and never inside
a transaction on the primary. Everything else reads the primary: an editor's pages
(read-your-writes), POSTs, management commands.
"""

from django.db import connections

from archive.ops import replica


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if replica.reads_replica() and not connections["default"].in_atomic_block:
            return replica.REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"

-- Webhook deliveries (#15): one row per (endpoint, event) that endpoint wants, queued by the database in the very
-- transaction that writes the event (the trigger below), so no event is ever missed by a delivery worker that was
-- down, slow or killed. Workers (every silo) claim due rows with FOR UPDATE SKIP LOCKED and a lease
-- (locked_until): a silo killed mid-delivery leaves its rows to be claimed again when the lease ends, so a delivery
-- is at least once.
CREATE TABLE IF NOT EXISTS flint_webhook_deliveries
(
    id               text        NOT NULL PRIMARY KEY,
    merchant_id      text        NOT NULL,
    environment      text        NOT NULL,
    endpoint_id      text        NOT NULL,
    event_id         text        NOT NULL,
    event_type       text        NOT NULL,
    -- The object the event is about (order.paid: its order_id; payment.succeeded: its payment_id), or the event's
    -- own id when its object has no such id: deliveries of one object go out in the order of their events.
    object_key       text        NOT NULL,
    created_at       timestamptz NOT NULL,
    -- pending | delivered | failed
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz NULL,
    first_attempt_at timestamptz NULL,
    last_attempt_at  timestamptz NULL,
    last_status_code integer     NULL,
    last_error       text        NULL,
    delivered_at     timestamptz NULL,
    UNIQUE (endpoint_id, event_id)
);
-- (A table made by this script's first version, earlier on 2026-12-07, lacks the column. Guarded: ALTER TABLE locks
-- the table even when the column is there.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_name = 'flint_webhook_deliveries' AND column_name = 'object_key' AND table_schema = current_schema()) THEN
        ALTER TABLE flint_webhook_deliveries ADD COLUMN object_key text NOT NULL DEFAULT '';
    END IF;
END
$$;
-- (Guarded, not IF NOT EXISTS: that takes a SHARE lock on the table on every start; see 010_flint.sql.)
DO $$
BEGIN
    IF to_regclass('flint_webhook_deliveries_due_idx') IS NULL THEN
        CREATE INDEX flint_webhook_deliveries_due_idx ON flint_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    END IF;
    IF to_regclass('flint_webhook_deliveries_endpoint_idx') IS NULL THEN
        CREATE INDEX flint_webhook_deliveries_endpoint_idx
            ON flint_webhook_deliveries (merchant_id, environment, endpoint_id, created_at, id);
    END IF;
    -- An object's earlier pending deliveries, which hold its later ones back.
    IF to_regclass('flint_webhook_deliveries_object_idx') IS NULL THEN
        CREATE INDEX flint_webhook_deliveries_object_idx
            ON flint_webhook_deliveries (endpoint_id, object_key, created_at, event_id) WHERE status = 'pending';
    END IF;
END
$$;

-- The trigger on flint_events that queues the deliveries, and its function, are in 019_apps.sql (which added the
-- partner apps' webhooks to the same fan-out): one definition of it.

-- Subscriptions (#14): the orders of a subscription's cycles (GET /v1/orders?subscription_id=), a customer's
-- subscriptions (GET /v1/customers/{id}) and a subscription's invoices are read by a key inside the snapshot.
-- (Guarded, not IF NOT EXISTS: that takes a SHARE lock on the table on every start; see 010_flint.sql.)
DO $$
BEGIN
    IF to_regclass('flint_objects_order_subscription_idx') IS NULL THEN
        CREATE INDEX flint_objects_order_subscription_idx
            ON flint_objects (merchant_id, environment, (doc->>'subscription_id'), created_at, id)
            WHERE kind = 'order' AND doc->>'subscription_id' IS NOT NULL;
    END IF;
    IF to_regclass('flint_objects_subscription_customer_idx') IS NULL THEN
        CREATE INDEX flint_objects_subscription_customer_idx
            ON flint_objects (merchant_id, environment, (doc->>'customer_id'), created_at, id)
            WHERE kind = 'subscription';
    END IF;
    IF to_regclass('flint_objects_invoice_subscription_idx') IS NULL THEN
        CREATE INDEX flint_objects_invoice_subscription_idx
            ON flint_objects (merchant_id, environment, (doc->>'subscription_id'), created_at, id)
            WHERE kind = 'invoice';
    END IF;
END
$$;

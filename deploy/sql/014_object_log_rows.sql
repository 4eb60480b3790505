-- A coupon's redemptions and a variant's sold reservations are kept in flint_object_log, so their grain states keep
-- numbers instead of every order or reservation ever seen.
DO $do$
BEGIN
    -- Whether an order holds a redemption is found by the table's primary key (owner = the coupon, id = the order). A
    -- coupon with a per-customer limit counts a customer's redemptions: this index finds them, and only rows that name
    -- a customer are in it (orders without a customer, the common case, cost it nothing).
    IF to_regclass('flint_object_log_coupon_customer_idx') IS NULL THEN
        CREATE INDEX flint_object_log_coupon_customer_idx
            ON flint_object_log (merchant_id, environment, owner_id, (doc ->> 'customer_id'))
            WHERE kind = 'coupon_redemption' AND (doc ->> 'customer_id') IS NOT NULL;
    END IF;
    -- A sale's inventory change names the reservation it committed: a saga repeating its commit is found sold here.
    -- (A row of its own per sale cost about three times the write-ahead log of this index's entry.)
    IF to_regclass('flint_object_log_sale_reservation_idx') IS NULL THEN
        CREATE INDEX flint_object_log_sale_reservation_idx
            ON flint_object_log (merchant_id, environment, owner_id, (doc ->> 'reservation_id'))
            WHERE kind = 'inventory_change' AND (doc ->> 'reservation_id') IS NOT NULL;
    END IF;
    -- Only the inventory history is read in time order (and by its kind); rows of other kinds (a coupon's
    -- redemptions, one per checkout) need no entry in that index. One made before it was partial is made again.
    IF EXISTS (SELECT 1 FROM pg_index i
                WHERE i.indexrelid = to_regclass('flint_object_log_owner_idx') AND i.indpred IS NULL) THEN
        DROP INDEX flint_object_log_owner_idx;
    END IF;
    IF to_regclass('flint_object_log_owner_idx') IS NULL THEN
        CREATE INDEX flint_object_log_owner_idx ON flint_object_log (merchant_id, environment, owner_id, created_at, id)
            WHERE kind = 'inventory_change';
    END IF;
END
$do$;

-- A coupon's redemptions and a variant's finished reservations are rows of flint_object_log, so their grain states
-- keep numbers instead of every order or reservation ever seen. Whether an order holds a redemption, or how a
-- reservation ended, is found by the table's primary key (owner, id). A coupon with a per-customer limit counts a
-- customer's redemptions: this index finds them, and only rows that name a customer are in it (orders without a
-- customer, the common case, cost it nothing).
DO $do$
BEGIN
    IF to_regclass('flint_object_log_coupon_customer_idx') IS NULL THEN
        CREATE INDEX flint_object_log_coupon_customer_idx
            ON flint_object_log (merchant_id, environment, owner_id, (doc ->> 'customer_id'))
            WHERE kind = 'coupon_redemption' AND (doc ->> 'customer_id') IS NOT NULL;
    END IF;
END
$do$;

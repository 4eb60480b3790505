-- Payments and refunds in flight. A pay or refund saga writes its plan (with the payment/refund row in status
-- 'pending') before its first irreversible step and settles the row in its last write, so a row that stays
-- pending belongs to a saga whose process died. The PendingPaymentSweeper of every silo looks for such rows
-- with this (small, partial) index and wakes their orders, which finish or undo the saga.
DO $do$
BEGIN
    IF to_regclass('flint_objects_pending_idx') IS NULL THEN
        CREATE INDEX flint_objects_pending_idx ON flint_objects (updated_at)
            WHERE kind IN ('payment', 'refund') AND status = 'pending';
    END IF;
END
$do$;

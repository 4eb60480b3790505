-- Checkout sessions (#15): the hosted page /checkout/{id} is opened without an API key, so the session's tenant is
-- found by its id alone (ids are unguessable: 80 random bits). Payment links (/l/{id}) likewise.
-- (Guarded, not IF NOT EXISTS: that takes a SHARE lock on the table on every start; see 010_flint.sql.)
DO $$
BEGIN
    IF to_regclass('flint_objects_checkout_session_idx') IS NULL THEN
        CREATE INDEX flint_objects_checkout_session_idx ON flint_objects (id) WHERE kind = 'checkout_session';
    END IF;
    IF to_regclass('flint_objects_payment_link_idx') IS NULL THEN
        CREATE INDEX flint_objects_payment_link_idx ON flint_objects (id) WHERE kind = 'payment_link';
    END IF;
END
$$;

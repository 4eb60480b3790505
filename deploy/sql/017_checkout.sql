-- Checkout sessions (#15): the hosted page /checkout/{id} is opened without an API key, so the session's tenant is
-- found by its id alone (ids are unguessable: 80 random bits).
CREATE INDEX IF NOT EXISTS flint_objects_checkout_session_idx ON flint_objects (id) WHERE kind = 'checkout_session';
-- Payment links (/l/{id}) likewise.
CREATE INDEX IF NOT EXISTS flint_objects_payment_link_idx ON flint_objects (id) WHERE kind = 'payment_link';

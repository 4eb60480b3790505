-- The silo that holds an in-flight idempotency record (its Orleans address with generation, e.g.
-- 127.0.0.1:11111@502712345). A retry that finds the key in flight takes it over at once when that silo has been
-- declared dead by the cluster, instead of waiting for the record to age (#13). NULL on records written before this
-- column existed: those are taken over by age only.
ALTER TABLE flint_idempotency ADD COLUMN IF NOT EXISTS owner text NULL;

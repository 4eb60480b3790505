-- Secrets of this deployment, made by its first start and kept (#16). idempotency_fingerprint keys the HMAC that
-- fingerprints a request sent with an Idempotency-Key, so a body holding a password (POST /v1/users) never leaves a
-- plain, fast hash of it in flint_idempotency. 32 bytes from PostgreSQL's strong random source (gen_random_uuid).
CREATE TABLE IF NOT EXISTS flint_deployment_secrets
(
    name  text  NOT NULL PRIMARY KEY,
    value bytea NOT NULL
);
INSERT INTO flint_deployment_secrets (name, value)
VALUES ('idempotency_fingerprint', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))
ON CONFLICT (name) DO NOTHING;

-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet, invariant Npgsql).
--
-- A row is identified by the service id, the *state name* Orleans passes as "grain type" (Flint gives each
-- grain class its own state name) and the grain key split by Orleans into N0/N1 (integer and Guid keys)
-- plus a string (string keys, or the key extension). The hashes Orleans computes are kept for diagnosis
-- only; lookups use the natural key, which is also the primary key so that two activations racing to
-- create the same row cannot both succeed.
--
-- Version is the ETag: NULL in the grain means "no row yet", every successful write or clear adds one.
-- The write/clear/delete statements always return exactly one row whose single value is the new version,
-- or NULL when the expected version did not match. Returning no row at all would make Orleans accept a
-- lost write when the grain already had an ETag, so never change that.

CREATE TABLE IF NOT EXISTS orleans_storage
(
    service_id          varchar(150) NOT NULL,
    grain_type          varchar(512) NOT NULL,
    grain_id_n0         bigint       NOT NULL,
    grain_id_n1         bigint       NOT NULL,
    -- '' stands for "no string part" so the column can be in the primary key.
    grain_id_string     text         NOT NULL DEFAULT '',
    grain_id_hash       integer      NOT NULL,
    grain_type_hash     integer      NOT NULL,
    payload_binary      bytea        NULL,
    modified_on         timestamptz  NOT NULL DEFAULT now(),
    version             integer      NOT NULL,
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string)
);

-- The Orleans optimistic-concurrency write, followed in the same transaction by Flint's side effects
-- (projection, SKU registry, event outbox; see flint_apply_state_effects in 010_flint.sql) when and only
-- when the write was accepted. Any error raised by the side effects (e.g. a SKU owned by another object,
-- SQLSTATE 23505) aborts the statement, so the state row is not written either.
--
-- Returns the new version, or NULL when p_expected_version does not match the stored one (Orleans turns
-- that into InconsistentStateException).
CREATE OR REPLACE FUNCTION flint_write_grain_state(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_grain_id_string text, p_service_id text, p_expected_version integer,
    p_payload bytea)
RETURNS integer
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NOT NULL THEN
        UPDATE orleans_storage
           SET payload_binary = p_payload, modified_on = now(), version = version + 1
         WHERE service_id = p_service_id AND grain_type = p_grain_type
           AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
           AND grain_id_string = coalesce(p_grain_id_string, '')
           AND version = p_expected_version
        RETURNING version INTO v_new_version;
    END IF;

    -- No ETag: first write of the grain, or first write after DeleteStorageKey (Orleans then resets the
    -- ETag to NULL). If a row exists anyway, another activation got there first: a version clash.
    IF p_expected_version IS NULL THEN
        INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string,
                                     grain_id_hash, grain_type_hash, payload_binary, modified_on, version)
        VALUES (p_service_id, p_grain_type, p_grain_id_n0, p_grain_id_n1, coalesce(p_grain_id_string, ''),
                p_grain_id_hash, p_grain_type_hash, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new_version;
    END IF;

    IF v_new_version IS NULL THEN
        RETURN NULL;
    END IF;

    PERFORM flint_apply_state_effects(p_payload);
    RETURN v_new_version;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
SELECT payload_binary AS "PayloadBinary", version AS "Version"
  FROM orleans_storage
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_string = coalesce(@GrainIdExtensionString::text, '')
$q$),

('WriteToStorageKey', $q$
SELECT flint_write_grain_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                               @GrainIdExtensionString::text, @ServiceId, @GrainStateVersion::integer,
                               @PayloadBinary) AS "NewGrainStateVersion"
$q$),

-- Clearing keeps the row (payload NULL) so the version keeps counting and a stale activation still clashes.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_storage
       SET payload_binary = NULL, modified_on = now(), version = version + 1
     WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_string = coalesce(@GrainIdExtensionString::text, '')
       AND version = @GrainStateVersion::integer
    RETURNING version)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$q$),

-- Used only with AdoNetGrainStorageOptions.DeleteStateOnClear = true. Orleans only needs a non-NULL value
-- different from the ETag to know the delete happened (it then sets the grain's ETag to NULL, so the next
-- write inserts a fresh row with version 1).
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_storage
     WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_string = coalesce(@GrainIdExtensionString::text, '')
       AND version = @GrainStateVersion::integer
    RETURNING version + 1 AS version)
SELECT (SELECT version FROM deleted) AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

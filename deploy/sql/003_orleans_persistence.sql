-- Grain state: the orleans_storage table (the layout of Orleans' ADO.NET grain storage, kept so existing databases
-- keep their rows), written by two providers (src/Flint.Persistence/FlintStorage.cs):
--   'flint'  Flint's own grain storage, src/Flint.Persistence/Storage/FlintGrainStorage.cs, through
--            flint_write_grain_states below: grouped writes, effects in the same transaction;
--   'plain'  Orleans' stock ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet), for grains whose writes
--            carry no effects, through the four statements this script registers in OrleansQuery.
--
-- Key columns, as both compute them (stable across restarts, and the same for a grain whichever provider wrote it,
-- so a grain can move from one provider to the other and keep its row):
--   service_id      ClusterOptions.ServiceId
--   grain_type      the *state name* Orleans passes (Flint gives each grain class its own: 'product', 'order', ..)
--   grain_id_n0/n1  string keys (all of Flint's grains): 0, 0; integer keys: 0, key; Guid keys: the Guid's
--                   two 8-byte halves (little-endian, as Guid.ToByteArray)
--   grain_id_string string keys: the key ('merchant/environment/id'); integer and Guid keys: the key extension;
--                   '' stands for "none" so the column can be in the primary key (the ADO.NET provider passes
--                   NULL for "none": its statements below read it as '')
--   grain_id_hash, grain_type_hash
--                   written by whichever provider inserted the row, each with its own hash functions (Flint: the
--                   grain id's uniform hash code and 32-bit FNV-1a of the state name; the ADO.NET provider: Orleans'
--                   StableHash of its own byte layout). They are for diagnosis only: every lookup, by either
--                   provider, uses the natural key, which is also the primary key, so two activations racing to
--                   create the same row cannot both succeed.
--
-- Version is the ETag: NULL in the grain means "no row yet", every successful write or clear adds one.
-- payload_binary is the state as the configured IGrainStorageSerializer writes it (UTF-8 JSON in Flint) and
-- holds only the durable state: the write's side effects travel separately (see flint_write_grain_states).

CREATE TABLE IF NOT EXISTS orleans_storage
(
    service_id          varchar(150) NOT NULL,
    grain_type          varchar(512) NOT NULL,
    grain_id_n0         bigint       NOT NULL,
    grain_id_n1         bigint       NOT NULL,
    grain_id_string     text         NOT NULL DEFAULT '',
    grain_id_hash       integer      NOT NULL,
    grain_type_hash     integer      NOT NULL,
    payload_binary      bytea        NULL,
    modified_on         timestamptz  NOT NULL DEFAULT now(),
    version             integer      NOT NULL,
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string)
);

-- The statements of Orleans' ADO.NET grain storage (the 'plain' storage), which it reads from OrleansQuery by these
-- keys when the silo starts. Its contract: it binds @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
-- @GrainTypeString (the state name, as Flint's storage stores it), @GrainIdExtensionString, @ServiceId,
-- @GrainStateVersion (the ETag; NULL = no row yet) and @PayloadBinary; it reads "PayloadBinary" and "Version" from
-- a read, "NewGrainStateVersion" from a write, and the first column from a clear or delete. A write or clear that
-- returns no row, or the version it was given, is a version conflict (InconsistentStateException). The semantics are
-- those of flint_write_grain_state_item below: update under the expected version, or insert version 1 when there is
-- no row; a clear keeps the row (payload NULL) so the version keeps counting.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
SELECT payload_binary AS "PayloadBinary", version AS "Version"
  FROM orleans_storage
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_id_string = coalesce(@GrainIdExtensionString, '')
$q$),

('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_storage
       SET payload_binary = @PayloadBinary, modified_on = now(), version = version + 1
     WHERE @GrainStateVersion IS NOT NULL
       AND service_id = @ServiceId AND grain_type = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_id_string = coalesce(@GrainIdExtensionString, '')
       AND version = @GrainStateVersion
    RETURNING version),
inserted AS (
    INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string,
                                 grain_id_hash, grain_type_hash, payload_binary, modified_on, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, now(), 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$q$),

('ClearStorageKey', $q$
UPDATE orleans_storage
   SET payload_binary = NULL, modified_on = now(), version = version + 1
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_id_string = coalesce(@GrainIdExtensionString, '')
   AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$q$),

-- Only used with AdoNetGrainStorageOptions.DeleteStateOnClear, which Flint does not set; registered so the
-- contract is complete. Returns the deleted version + 1, as the provider expects.
('DeleteStorageKey', $q$
DELETE FROM orleans_storage
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_id_string = coalesce(@GrainIdExtensionString, '')
   AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Earlier versions wrote one state per transaction through this function; nothing calls it any more.
DROP FUNCTION IF EXISTS flint_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea);

-- A batch of grain state writes (the storage groups the concurrent writes of the whole silo), in ONE statement
-- and so ONE transaction: the caller runs it as a single autocommit statement and answers nobody before it
-- committed. Arrays are parallel, one element per write.
--
-- Each write is the Orleans optimistic-concurrency write followed, when and only when it was accepted, by its
-- side effects (flint_apply_state_effects in 010_flint.sql: projection, SKU registry, outbox, log):
--   p_expected_versions[i] not NULL: update the row whose version is that one, version + 1;
--   p_expected_versions[i] NULL: first write of the grain (or first after a delete): insert version 1, or
--   nothing when a row exists (another activation got there first).
-- Each write runs in its own subtransaction (BEGIN .. EXCEPTION), so an error in one (a SKU owned by another
-- object: 23505 'flint_sku_conflict:<sku>'; a second live coupon with the same code: 23505 on
-- flint_objects_coupon_code_uniq; a deadlock with another silo's batch: 40P01) undoes that write and its effects
-- only, and the others still commit. The storage keeps batches at 64 writes or fewer: a transaction with more
-- than 64 subtransactions that wrote overflows PostgreSQL's per-backend subtransaction cache, which slows
-- every other session's snapshots down.
--
-- Returns one row per write, in input order:
--   ordinal          1-based position in the arrays
--   new_version      the new version; NULL when the write did not happen
--   sql_state, message, constraint_name, detail
--                    the error that undid the write, or all NULL; new_version NULL with no error means the
--                    expected version did not match (Orleans: InconsistentStateException). For a SKU clash the
--                    detail is the SKU alone, so the storage names it without reading any message text.
-- One write of a batch: the optimistic-concurrency write, then its effects. Returns the new version, or NULL when
-- the expected version did not match. Errors propagate (to the caller's subtransaction, or the statement).
CREATE OR REPLACE FUNCTION flint_write_grain_state_item(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_id_string text, p_id_hash integer,
    p_type_hash integer, p_expected integer, p_payload bytea, p_effects jsonb)
RETURNS integer
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected IS NOT NULL THEN
        UPDATE orleans_storage AS s
           SET payload_binary = p_payload, modified_on = now(), version = s.version + 1
         WHERE s.service_id = p_service_id AND s.grain_type = p_grain_type
           AND s.grain_id_n0 = p_n0 AND s.grain_id_n1 = p_n1
           AND s.grain_id_string = coalesce(p_id_string, '')
           AND s.version = p_expected
        RETURNING s.version INTO v_new_version;
    ELSE
        INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string,
                                     grain_id_hash, grain_type_hash, payload_binary, modified_on, version)
        VALUES (p_service_id, p_grain_type, p_n0, p_n1, coalesce(p_id_string, ''),
                p_id_hash, p_type_hash, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING 1 INTO v_new_version;
    END IF;
    IF v_new_version IS NOT NULL AND p_effects IS NOT NULL THEN
        PERFORM flint_apply_state_effects(p_effects);
    END IF;
    RETURN v_new_version;
END
$fn$;

-- p_isolate = false (the storage's first try): the whole batch set-based, one statement per table (the state rows,
-- then the projections, the events and the log rows of the accepted writes), with no subtransactions, so the first
-- error aborts the whole statement and nothing of the batch is written; the storage then runs the batch again with
-- p_isolate = true, where each write has its own subtransaction (BEGIN .. EXCEPTION) and only the failing ones are
-- undone. Errors are rare (a SKU or coupon-code clash, a deadlock), and both a subtransaction and a function call
-- per write were a real cost on every batch (pg_stat_statements: about half of the batch's execution time was the
-- per-write plpgsql around the inserts). The writes of one batch are distinct grains (a grain has one write in
-- flight at a time), so no row is written twice by one statement; a projection that would be is de-duplicated by
-- version, and anything else unexpected fails the statement and falls back to the isolated path.
DROP FUNCTION IF EXISTS flint_write_grain_states(text, text[], bigint[], bigint[], text[], integer[], integer[], integer[], bytea[], jsonb[]);
-- The result gained the refusal's detail; CREATE OR REPLACE cannot change a function's result columns, so the
-- version without it goes first (once: on later starts the function has it and is only replaced).
DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'flint_write_grain_states' AND NOT ('detail' = ANY (proargnames))) THEN
        DROP FUNCTION flint_write_grain_states(text, text[], bigint[], bigint[], text[], integer[], integer[], integer[], bytea[], jsonb[], boolean);
    END IF;
END
$do$;
CREATE OR REPLACE FUNCTION flint_write_grain_states(
    p_service_id        text,
    p_grain_types       text[],
    p_grain_id_n0       bigint[],
    p_grain_id_n1       bigint[],
    p_grain_id_strings  text[],
    p_grain_id_hashes   integer[],
    p_grain_type_hashes integer[],
    p_expected_versions integer[],
    p_payloads          bytea[],
    p_effects           jsonb[],
    p_isolate           boolean DEFAULT true)
RETURNS TABLE (ordinal integer, new_version integer, sql_state text, message text, constraint_name text, detail text)
LANGUAGE plpgsql AS
$fn$
DECLARE
    w              record;
    v_accepted     integer[];
    v_versions     integer[];
    v_changed      text[];
    v_sku_owner    jsonb;
BEGIN
    IF NOT p_isolate THEN
        -- The state rows: optimistic-concurrency updates and first inserts, in one statement.
        WITH batch AS (
            SELECT *
              FROM unnest(p_grain_types, p_grain_id_n0, p_grain_id_n1, p_grain_id_strings, p_grain_id_hashes,
                          p_grain_type_hashes, p_expected_versions, p_payloads)
                   WITH ORDINALITY AS t(grain_type, n0, n1, id_string, id_hash, type_hash, expected, payload, ord)
        ),
        upd AS (
            UPDATE orleans_storage AS s
               SET payload_binary = batch.payload, modified_on = now(), version = s.version + 1
              FROM batch
             WHERE batch.expected IS NOT NULL
               AND s.service_id = p_service_id AND s.grain_type = batch.grain_type
               AND s.grain_id_n0 = batch.n0 AND s.grain_id_n1 = batch.n1
               AND s.grain_id_string = coalesce(batch.id_string, '')
               AND s.version = batch.expected
            RETURNING batch.ord, s.version
        ),
        ins AS (
            INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_string,
                                         grain_id_hash, grain_type_hash, payload_binary, modified_on, version)
            SELECT p_service_id, batch.grain_type, batch.n0, batch.n1, coalesce(batch.id_string, ''), batch.id_hash, batch.type_hash,
                   batch.payload, now(), 1
              FROM batch
             WHERE batch.expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING grain_type, grain_id_n0, grain_id_n1, grain_id_string, version
        ),
        accepted AS (
            SELECT upd.ord, upd.version FROM upd
            UNION ALL
            SELECT batch.ord, ins.version
              FROM ins
              JOIN batch ON batch.expected IS NULL AND batch.grain_type = ins.grain_type AND batch.n0 = ins.grain_id_n0
                    AND batch.n1 = ins.grain_id_n1 AND coalesce(batch.id_string, '') = ins.grain_id_string
        )
        SELECT coalesce(array_agg(a.ord::integer ORDER BY a.ord), '{}'), coalesce(array_agg(a.version ORDER BY a.ord), '{}')
          INTO v_accepted, v_versions
          FROM accepted a;

        -- Projections (the object's own and those of objects kept inside its state) of the accepted writes, each
        -- only if newer than the stored one; the keys of the rows that moved come back for the SKU registry.
        WITH e AS (
            SELECT p_effects[a] AS effects
              FROM unnest(v_accepted) AS a
             WHERE p_effects[a] IS NOT NULL AND jsonb_typeof(p_effects[a]) = 'object'
        ),
        p AS (
            SELECT e.effects -> 'projection' AS r FROM e WHERE jsonb_typeof(e.effects -> 'projection') = 'object'
            UNION ALL
            SELECT r
              FROM e, jsonb_array_elements(CASE WHEN jsonb_typeof(e.effects -> 'related_projections') = 'array'
                                                THEN e.effects -> 'related_projections' ELSE '[]'::jsonb END) AS r
        ),
        up AS (
            INSERT INTO flint_objects AS o (merchant_id, environment, kind, id, version, name, status, search_text,
                                            created_at, updated_at, doc)
            SELECT DISTINCT ON (r ->> 'merchant_id', r ->> 'environment', r ->> 'kind', r ->> 'id')
                   r ->> 'merchant_id', r ->> 'environment', r ->> 'kind', r ->> 'id', (r ->> 'version')::bigint,
                   r ->> 'name', r ->> 'status', r ->> 'search_text', (r ->> 'created_at')::timestamptz,
                   (r ->> 'updated_at')::timestamptz, coalesce(r -> 'doc', '{}'::jsonb)
              FROM p
             ORDER BY r ->> 'merchant_id', r ->> 'environment', r ->> 'kind', r ->> 'id', (r ->> 'version')::bigint DESC
            ON CONFLICT (merchant_id, environment, kind, id) DO UPDATE
               SET version = EXCLUDED.version, name = EXCLUDED.name, status = EXCLUDED.status,
                   search_text = EXCLUDED.search_text, created_at = EXCLUDED.created_at,
                   updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc
             WHERE o.version < EXCLUDED.version
            RETURNING o.merchant_id || '/' || o.environment || '/' || o.kind || '/' || o.id AS object_key
        )
        SELECT coalesce(array_agg(up.object_key), '{}') INTO v_changed FROM up;

        -- The SKU registry follows a projection that moved and names its SKUs (products and bundles; rare).
        FOR v_sku_owner IN
            SELECT p_effects[a] -> 'projection'
              FROM unnest(v_accepted) AS a
             WHERE jsonb_typeof(p_effects[a] -> 'projection' -> 'skus') = 'array'
               AND (p_effects[a] -> 'projection' ->> 'merchant_id') || '/' || (p_effects[a] -> 'projection' ->> 'environment')
                   || '/' || (p_effects[a] -> 'projection' ->> 'kind') || '/' || (p_effects[a] -> 'projection' ->> 'id') = ANY (v_changed)
             ORDER BY a
        LOOP
            PERFORM flint_apply_projection_skus(v_sku_owner);
        END LOOP;

        -- Events: a grain may write the same undispatched events again with later changes; the id keeps them once.
        INSERT INTO flint_events (id, merchant_id, environment, type, created_at, data)
        SELECT ev ->> 'id', ev ->> 'merchant_id', ev ->> 'environment', ev ->> 'type',
               (ev ->> 'created_at')::timestamptz, coalesce(ev -> 'data', '{}'::jsonb)
          FROM unnest(v_accepted) AS a,
               jsonb_array_elements(CASE WHEN jsonb_typeof(p_effects[a] -> 'outbox') = 'array'
                                         THEN p_effects[a] -> 'outbox' ELSE '[]'::jsonb END) AS ev
        ON CONFLICT (id) DO NOTHING;

        -- Log rows, the whole batch's at once (flint_write_log_rows).
        PERFORM flint_write_log_rows((
            SELECT jsonb_agg(l)
              FROM unnest(v_accepted) AS a,
                   jsonb_array_elements(CASE WHEN jsonb_typeof(p_effects[a] -> 'log') = 'array'
                                             THEN p_effects[a] -> 'log' ELSE '[]'::jsonb END) AS l));

        RETURN QUERY
        SELECT t.ord::integer, acc.version, NULL::text, NULL::text, NULL::text, NULL::text
          FROM generate_subscripts(p_grain_types, 1) AS t(ord)
          LEFT JOIN unnest(v_accepted, v_versions) AS acc(ord, version) ON acc.ord = t.ord
         ORDER BY t.ord;
        RETURN;
    END IF;

    FOR w IN
        SELECT *
          FROM unnest(p_grain_types, p_grain_id_n0, p_grain_id_n1, p_grain_id_strings, p_grain_id_hashes,
                      p_grain_type_hashes, p_expected_versions, p_payloads, p_effects)
               WITH ORDINALITY AS t(grain_type, n0, n1, id_string, id_hash, type_hash, expected, payload, effects, ord)
         ORDER BY t.ord
    LOOP
        ordinal := w.ord;
        new_version := NULL;
        sql_state := NULL;
        message := NULL;
        constraint_name := NULL;
        detail := NULL;
        -- Isolated: each write in its own subtransaction.
        BEGIN
            new_version := flint_write_grain_state_item(p_service_id, w.grain_type, w.n0, w.n1, w.id_string, w.id_hash,
                                                        w.type_hash, w.expected, w.payload, w.effects);
        EXCEPTION WHEN OTHERS THEN
            -- The subtransaction is rolled back: neither the row nor any effect of this write remains.
            new_version := NULL;
            GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                                    constraint_name = CONSTRAINT_NAME, detail = PG_EXCEPTION_DETAIL;
        END;
        RETURN NEXT;
    END LOOP;
END
$fn$;

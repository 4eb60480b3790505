-- Grain state: the orleans_storage table (the layout of Orleans' ADO.NET grain storage, kept so existing databases
-- keep their rows) written by Flint's own grain storage, src/Flint.Persistence/Storage/FlintGrainStorage.cs.
--
-- Key columns, as that storage computes them (stable across restarts and identical to what the ADO.NET provider
-- wrote before, so rows written by it are found):
--   service_id      ClusterOptions.ServiceId
--   grain_type      the *state name* Orleans passes (Flint gives each grain class its own: 'product', 'order', ..)
--   grain_id_n0/n1  string keys (all of Flint's grains): 0, 0; integer keys: 0, key; Guid keys: the Guid's
--                   two 8-byte halves (little-endian, as Guid.ToByteArray)
--   grain_id_string string keys: the key ('merchant/environment/id'); integer and Guid keys: the key extension;
--                   '' stands for "none" so the column can be in the primary key
--   grain_id_hash   Orleans' uniform hash code of the grain id; grain_type_hash: 32-bit FNV-1a of the state
--                   name's UTF-8 bytes. Both are for diagnosis only; lookups use the natural key, which is also
--                   the primary key, so two activations racing to create the same row cannot both succeed.
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

-- Earlier versions ran Orleans' ADO.NET grain storage, which read its statements from OrleansQuery and wrote
-- one state per transaction through flint_write_grain_state. Nothing uses them any more.
DELETE FROM OrleansQuery
 WHERE QueryKey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey');
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

-- p_isolate = false (the storage's first try): no subtransactions, so the first error aborts the whole statement
-- and nothing of the batch is written; the storage then runs the batch again with p_isolate = true, where each
-- write has its own subtransaction (BEGIN .. EXCEPTION) and only the failing ones are undone. Errors are rare
-- (a SKU or coupon-code clash, a deadlock), and a subtransaction per write is a real cost on every batch.
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
    w record;
BEGIN
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
        IF NOT p_isolate THEN
            new_version := flint_write_grain_state_item(p_service_id, w.grain_type, w.n0, w.n1, w.id_string, w.id_hash,
                                                        w.type_hash, w.expected, w.payload, w.effects);
        ELSE
            BEGIN
                new_version := flint_write_grain_state_item(p_service_id, w.grain_type, w.n0, w.n1, w.id_string, w.id_hash,
                                                            w.type_hash, w.expected, w.payload, w.effects);
            EXCEPTION WHEN OTHERS THEN
                -- The subtransaction is rolled back: neither the row nor any effect of this write remains.
                new_version := NULL;
                GET STACKED DIAGNOSTICS sql_state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                                        constraint_name = CONSTRAINT_NAME, detail = PG_EXCEPTION_DETAIL;
            END;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$fn$;

-- Flint's own tables: tenants and keys, idempotency records, list/search projections, SKU registry, the
-- event log and per-object logs, plus flint_apply_state_effects, which the grain-state write
-- (flint_write_grain_states in 003_orleans_persistence.sql) calls in the same transaction as the state row so
-- that projections, events and log rows can never lag behind or get lost when a process dies between two
-- writes.
--
-- Indexes are created inside guarded DO blocks rather than with CREATE INDEX IF NOT EXISTS: the latter takes
-- a SHARE lock on the table before noticing the index exists, which would stall a running cluster's writes
-- every time another silo starts and re-applies these scripts.

CREATE TABLE IF NOT EXISTS flint_merchants
(
    id         text        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    settings   jsonb       NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS flint_api_keys
(
    id          text        NOT NULL PRIMARY KEY,
    merchant_id text        NOT NULL REFERENCES flint_merchants (id),
    environment text        NOT NULL CHECK (environment IN ('test', 'live')),
    -- SHA-256 of the whole secret; the plain key is shown once and never stored.
    key_hash    bytea       NOT NULL UNIQUE,
    -- First 12 characters (e.g. "sk_test_AbCd") so a key can be recognised in lists.
    key_prefix  text        NOT NULL,
    name        text        NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz NULL
);

CREATE TABLE IF NOT EXISTS flint_idempotency
(
    merchant_id      text        NOT NULL,
    environment      text        NOT NULL,
    idem_key         text        NOT NULL,
    -- Hash of method + path + body, to tell a replay from a reuse with another request.
    request_hash     bytea       NOT NULL,
    method           text        NOT NULL,
    path             text        NOT NULL,
    -- NULL while the first request is still running.
    status           integer     NULL,
    response_body    bytea       NULL,
    response_headers jsonb       NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz NULL,
    PRIMARY KEY (merchant_id, environment, idem_key)
);

-- One row per listable object, a snapshot kept by the object's grain. version only grows: an upsert that
-- does not carry a higher version than the stored one changes nothing, so late or repeated writes are
-- harmless.
CREATE TABLE IF NOT EXISTS flint_objects
(
    merchant_id text        NOT NULL,
    environment text        NOT NULL,
    kind        text        NOT NULL,
    id          text        NOT NULL,
    version     bigint      NOT NULL,
    name        text        NULL,
    status      text        NULL,
    search_text text        NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    doc         jsonb       NOT NULL,
    PRIMARY KEY (merchant_id, environment, kind, id)
);

-- Which object owns each SKU in a (merchant, environment). The primary key is what makes SKUs unique.
CREATE TABLE IF NOT EXISTS flint_skus
(
    merchant_id text NOT NULL,
    environment text NOT NULL,
    sku         text NOT NULL,
    owner_kind  text NOT NULL,
    owner_id    text NOT NULL,
    CONSTRAINT flint_skus_pkey PRIMARY KEY (merchant_id, environment, sku)
);

-- The event log. seq is only an insertion counter (values are not in commit order and may have gaps);
-- readers page by (created_at, id).
CREATE TABLE IF NOT EXISTS flint_events
(
    id          text        NOT NULL PRIMARY KEY,
    merchant_id text        NOT NULL,
    environment text        NOT NULL,
    type        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    data        jsonb       NOT NULL,
    seq         bigserial   NOT NULL
);

-- Per-object logs (e.g. a variant's inventory history, a coupon's redemptions), kept out of the grain state so the
-- state stays small however long the log grows. Rows ride in their owner's state write ("log" effect) and are
-- never updated; a repeated write of the same row (same owner and id) is ignored. A row that stands for something
-- its owner holds (a redemption) is deleted by the owner's write that gives it back ("withdrawn").
CREATE TABLE IF NOT EXISTS flint_object_log
(
    merchant_id text        NOT NULL,
    environment text        NOT NULL,
    owner_id    text        NOT NULL,
    kind        text        NOT NULL,
    id          text        NOT NULL,
    created_at  timestamptz NOT NULL,
    doc         jsonb       NOT NULL,
    PRIMARY KEY (merchant_id, environment, owner_id, id)
);

DO $do$
BEGIN
    IF to_regclass('flint_api_keys_merchant_idx') IS NULL THEN
        CREATE INDEX flint_api_keys_merchant_idx ON flint_api_keys (merchant_id, environment);
    END IF;
    IF to_regclass('flint_idempotency_created_idx') IS NULL THEN
        CREATE INDEX flint_idempotency_created_idx ON flint_idempotency (created_at);
    END IF;

    -- Keyset pagination per sort order: (sort column, id) within one kind of one tenant.
    IF to_regclass('flint_objects_created_idx') IS NULL THEN
        CREATE INDEX flint_objects_created_idx ON flint_objects (merchant_id, environment, kind, created_at, id);
    END IF;
    IF to_regclass('flint_objects_updated_idx') IS NULL THEN
        CREATE INDEX flint_objects_updated_idx ON flint_objects (merchant_id, environment, kind, updated_at, id);
    END IF;
    -- No index on name: lists sort by coalesce(name, '') COLLATE "C" (so rows without a name page correctly), which
    -- an index on the plain column cannot serve, and every projection write paid for one.
    DROP INDEX IF EXISTS flint_objects_name_idx;
    -- There was a GIN index over the whole snapshot (doc) for containment filters; no list filters that way, and
    -- it was about a quarter of the WAL of a checkout (every projection upsert re-indexed every key of the
    -- snapshot). Filters on a snapshot key use expression indexes like the two below.
    DROP INDEX IF EXISTS flint_objects_doc_idx;

    -- Coupon codes are unique per tenant among coupons that are not deleted (the projection's name holds the
    -- normalized, upper-case code): a clash aborts the coupon's state write like a SKU clash does.
    IF to_regclass('flint_objects_coupon_code_uniq') IS NULL THEN
        CREATE UNIQUE INDEX flint_objects_coupon_code_uniq ON flint_objects (merchant_id, environment, name)
            WHERE kind = 'coupon' AND status <> 'deleted';
    END IF;
    -- A customer's order history and a product's variants' stock are read by a key inside the snapshot.
    IF to_regclass('flint_objects_order_customer_idx') IS NULL THEN
        CREATE INDEX flint_objects_order_customer_idx ON flint_objects (merchant_id, environment, (doc->>'customer_id'), created_at, id)
            WHERE kind = 'order';
    END IF;
    IF to_regclass('flint_objects_inventory_product_idx') IS NULL THEN
        CREATE INDEX flint_objects_inventory_product_idx ON flint_objects (merchant_id, environment, (doc->>'product_id'))
            WHERE kind = 'inventory';
    END IF;

    IF to_regclass('flint_skus_owner_idx') IS NULL THEN
        CREATE INDEX flint_skus_owner_idx ON flint_skus (merchant_id, environment, owner_id);
    END IF;

    IF to_regclass('flint_events_created_idx') IS NULL THEN
        CREATE INDEX flint_events_created_idx ON flint_events (merchant_id, environment, created_at, id);
    END IF;
    IF to_regclass('flint_events_type_idx') IS NULL THEN
        CREATE INDEX flint_events_type_idx ON flint_events (merchant_id, environment, type, created_at, id);
    END IF;
    -- Nothing reads by seq (readers page by (created_at, id)), and its unique index was one more index entry, and
    -- write-ahead log, per event.
    DROP INDEX IF EXISTS flint_events_seq_idx;

    -- An owner's log in time order: (created_at, id) keyset pages.
    IF to_regclass('flint_object_log_owner_idx') IS NULL THEN
        CREATE INDEX flint_object_log_owner_idx ON flint_object_log (merchant_id, environment, owner_id, created_at, id);
    END IF;
END
$do$;

-- The function of earlier versions took the whole state payload (bytea) and parsed it; the storage now passes
-- the effects on their own (see src/Flint.Persistence/Storage/FlintGrainStorage.cs), so that signature is gone.
DROP FUNCTION IF EXISTS flint_apply_state_effects(bytea);

-- The SKU registry for one projection that was just accepted (its row was inserted or moved to this version).
-- Only a "skus" array says anything about SKUs ([] releases them all); a projection without one (or with null)
-- leaves the registry alone, so kinds that share an id with a SKU owner (e.g. inventory keyed by variant id) cannot
-- wipe its SKUs. A SKU already owned by another object raises SQLSTATE 23505 with CONSTRAINT flint_skus_pkey and the
-- SKU alone as DETAIL (how the storage names it to the grain), which aborts the state write it belongs to.
CREATE OR REPLACE FUNCTION flint_apply_projection_skus(p_projection jsonb)
RETURNS void
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_merchant_id text := p_projection ->> 'merchant_id';
    v_environment text := p_projection ->> 'environment';
    v_kind        text := p_projection ->> 'kind';
    v_id          text := p_projection ->> 'id';
    v_skus        text[];
    v_current     text[];
    v_conflict    text;
BEGIN
    IF jsonb_typeof(p_projection -> 'skus') <> 'array' THEN
        RETURN;
    END IF;
    -- Sorted: concurrent writers then lock registry rows in the same order and cannot deadlock.
    SELECT coalesce(array_agg(DISTINCT s ORDER BY s), '{}')
      INTO v_skus
      FROM jsonb_array_elements_text(p_projection -> 'skus') AS s;

    SELECT coalesce(array_agg(k.sku ORDER BY k.sku), '{}')
      INTO v_current
      FROM flint_skus k
     WHERE k.merchant_id = v_merchant_id AND k.environment = v_environment AND k.owner_id = v_id;

    -- Most writes do not touch SKUs; then the registry is only read.
    IF v_current IS DISTINCT FROM v_skus THEN
        DELETE FROM flint_skus k
         WHERE k.merchant_id = v_merchant_id AND k.environment = v_environment AND k.owner_id = v_id
           AND k.sku <> ALL (v_skus);

        INSERT INTO flint_skus (merchant_id, environment, sku, owner_kind, owner_id)
        SELECT v_merchant_id, v_environment, s, v_kind, v_id
          FROM unnest(v_skus) AS s
        ON CONFLICT (merchant_id, environment, sku) DO NOTHING;

        -- ON CONFLICT waited for any concurrent claimant to commit or roll back, and this statement sees committed
        -- rows (and those of earlier items of the same batch), so a SKU held by another object is found here.
        SELECT k.sku INTO v_conflict
          FROM flint_skus k
         WHERE k.merchant_id = v_merchant_id AND k.environment = v_environment
           AND k.sku = ANY (v_skus) AND k.owner_id <> v_id
         ORDER BY k.sku
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING
                ERRCODE = 'unique_violation',
                MESSAGE = format('flint_sku_conflict: SKU %s is already used by another object in %s/%s.',
                                 v_conflict, v_merchant_id, v_environment),
                DETAIL = v_conflict,
                CONSTRAINT = 'flint_skus_pkey',
                TABLE = 'flint_skus';
        END IF;
    END IF;
END
$fn$;

-- The "log" effect of one write or of a whole batch: rows of flint_object_log. Withdrawn rows (a coupon redemption
-- given back) are deleted first, row by row by primary key (they are rare, and a join could be planned as a scan of
-- the whole table); the others are added, and a row written again (a retried or repeated write) keeps its first
-- version. A write carries at most one entry per row, so a deletion and an addition never meet.
CREATE OR REPLACE FUNCTION flint_write_log_rows(p_log jsonb)
RETURNS void
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_withdrawn jsonb;
BEGIN
    IF jsonb_typeof(p_log) IS DISTINCT FROM 'array' OR jsonb_array_length(p_log) = 0 THEN
        RETURN;
    END IF;
    FOR v_withdrawn IN SELECT l FROM jsonb_array_elements(p_log) AS l WHERE (l ->> 'withdrawn')::boolean
    LOOP
        DELETE FROM flint_object_log
         WHERE merchant_id = v_withdrawn ->> 'merchant_id' AND environment = v_withdrawn ->> 'environment'
           AND owner_id = v_withdrawn ->> 'owner_id' AND id = v_withdrawn ->> 'id' AND kind = v_withdrawn ->> 'kind';
    END LOOP;
    INSERT INTO flint_object_log (merchant_id, environment, owner_id, kind, id, created_at, doc)
    SELECT l ->> 'merchant_id', l ->> 'environment', l ->> 'owner_id', l ->> 'kind', l ->> 'id',
           (l ->> 'created_at')::timestamptz, coalesce(l -> 'doc', '{}'::jsonb)
      FROM jsonb_array_elements(p_log) AS l
     WHERE NOT coalesce((l ->> 'withdrawn')::boolean, false)
    ON CONFLICT (merchant_id, environment, owner_id, id) DO NOTHING;
END
$fn$;

-- Applies the side effects of one accepted grain state write. Called by flint_write_grain_states (in
-- 003_orleans_persistence.sql) only after the state row was written, in the same transaction. p_effects is
-- built by Flint's grain storage from the state's transient members (snake_case, like every Flint JSON); the
-- state payload itself is never looked at:
--   "projection":          { kind, merchant_id, environment, id, version, name, status, search_text, created_at,
--                            updated_at, skus: [..], doc: {..} }  -> flint_objects, only if newer; when "skus" is
--                            an array, the SKUs owned by (merchant_id, environment, id) become exactly that list
--   "related_projections": [ projection without skus, .. ]        -> flint_objects, each only if newer
--   "outbox":              [ { id, merchant_id, environment, type, created_at, data } ]  -> flint_events, once per id
--   "log":                 [ { kind, merchant_id, environment, owner_id, id, created_at, doc, withdrawn? } ]
--                                                                  -> flint_object_log, once per (owner, id);
--                                                                     withdrawn: true deletes that row instead
-- Every member is optional. A SKU already owned by another object raises SQLSTATE 23505 with CONSTRAINT
-- flint_skus_pkey and the SKU alone as DETAIL (how the storage names it to the grain), which aborts the state
-- write it belongs to.
CREATE OR REPLACE FUNCTION flint_apply_state_effects(p_effects jsonb)
RETURNS void
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_projection  jsonb;
    v_outbox      jsonb;
    v_merchant_id text;
    v_environment text;
    v_kind        text;
    v_id          text;
    v_rows        bigint;
BEGIN
    IF p_effects IS NULL OR jsonb_typeof(p_effects) <> 'object' THEN
        RETURN;
    END IF;

    v_projection := p_effects -> 'projection';
    IF jsonb_typeof(v_projection) = 'object' THEN
        v_merchant_id := v_projection ->> 'merchant_id';
        v_environment := v_projection ->> 'environment';
        v_kind        := v_projection ->> 'kind';
        v_id          := v_projection ->> 'id';

        INSERT INTO flint_objects AS o (merchant_id, environment, kind, id, version, name, status, search_text,
                                        created_at, updated_at, doc)
        VALUES (v_merchant_id, v_environment, v_kind, v_id,
                (v_projection ->> 'version')::bigint,
                v_projection ->> 'name',
                v_projection ->> 'status',
                v_projection ->> 'search_text',
                (v_projection ->> 'created_at')::timestamptz,
                (v_projection ->> 'updated_at')::timestamptz,
                coalesce(v_projection -> 'doc', '{}'::jsonb))
        ON CONFLICT (merchant_id, environment, kind, id) DO UPDATE
           SET version = EXCLUDED.version, name = EXCLUDED.name, status = EXCLUDED.status,
               search_text = EXCLUDED.search_text, created_at = EXCLUDED.created_at,
               updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc
         WHERE o.version < EXCLUDED.version;
        GET DIAGNOSTICS v_rows = ROW_COUNT;

        -- The SKU set follows the projection, under the same version guard: a stale projection must not
        -- resurrect SKUs the object has since dropped.
        IF v_rows > 0 THEN
            PERFORM flint_apply_projection_skus(v_projection);
        END IF;
    END IF;

    -- Objects that live inside another grain's state (an order's payments and refunds) are listed like any
    -- other: their rows ride in their owner's write, under the same version guard (no SKUs).
    IF jsonb_typeof(p_effects -> 'related_projections') = 'array' THEN
        INSERT INTO flint_objects AS o (merchant_id, environment, kind, id, version, name, status, search_text,
                                        created_at, updated_at, doc)
        SELECT r ->> 'merchant_id', r ->> 'environment', r ->> 'kind', r ->> 'id', (r ->> 'version')::bigint,
               r ->> 'name', r ->> 'status', r ->> 'search_text', (r ->> 'created_at')::timestamptz,
               (r ->> 'updated_at')::timestamptz, coalesce(r -> 'doc', '{}'::jsonb)
          FROM jsonb_array_elements(p_effects -> 'related_projections') AS r
        ON CONFLICT (merchant_id, environment, kind, id) DO UPDATE
           SET version = EXCLUDED.version, name = EXCLUDED.name, status = EXCLUDED.status,
               search_text = EXCLUDED.search_text, created_at = EXCLUDED.created_at,
               updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc
         WHERE o.version < EXCLUDED.version;
    END IF;

    v_outbox := p_effects -> 'outbox';
    IF jsonb_typeof(v_outbox) = 'array' AND jsonb_array_length(v_outbox) > 0 THEN
        -- The grain may write the same undispatched events again with later changes; the id keeps them once.
        INSERT INTO flint_events (id, merchant_id, environment, type, created_at, data)
        SELECT e ->> 'id', e ->> 'merchant_id', e ->> 'environment', e ->> 'type',
               (e ->> 'created_at')::timestamptz, coalesce(e -> 'data', '{}'::jsonb)
          FROM jsonb_array_elements(v_outbox) AS e
        ON CONFLICT (id) DO NOTHING;
    END IF;

    PERFORM flint_write_log_rows(p_effects -> 'log');
END
$fn$;

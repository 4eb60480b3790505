-- Flint's own tables: tenants and keys, idempotency records, list/search projections, SKU registry and the
-- event log, plus flint_apply_state_effects, which the grain-state write (003_orleans_persistence.sql) calls
-- in the same transaction as the state row so that projections and events can never lag behind or get
-- lost when a process dies between two writes.
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
    IF to_regclass('flint_objects_name_idx') IS NULL THEN
        CREATE INDEX flint_objects_name_idx ON flint_objects (merchant_id, environment, kind, name, id);
    END IF;
    -- jsonb_path_ops: containment filters (doc @> '{"metadata":{"k":"v"}}') with a smaller, cheaper-to-write
    -- index than the default jsonb_ops; key-existence operators (?, ?|) are not served by it.
    IF to_regclass('flint_objects_doc_idx') IS NULL THEN
        CREATE INDEX flint_objects_doc_idx ON flint_objects USING gin (doc jsonb_path_ops);
    END IF;

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
    IF to_regclass('flint_events_seq_idx') IS NULL THEN
        CREATE UNIQUE INDEX flint_events_seq_idx ON flint_events (seq);
    END IF;
END
$do$;

-- Applies the side effects carried by a grain state payload (UTF-8 JSON written by Flint's storage
-- serializer). Called by flint_write_grain_state only after the state write was accepted.
--   "projection": { kind, merchant_id, environment, id, version, name, status, search_text, created_at,
--                   updated_at, skus: [..], doc: {..} }  -> flint_objects, only if newer; when "skus" is an
--                   array, the SKUs owned by (merchant_id, environment, id) become exactly that list
--   "outbox":     [ { id, merchant_id, environment, type, created_at, data } ]  -> flint_events, once per id
-- A SKU already owned by another object raises SQLSTATE 23505 with MESSAGE 'flint_sku_conflict:<sku>' and
-- CONSTRAINT flint_skus_pkey, which aborts the whole state write.
CREATE OR REPLACE FUNCTION flint_apply_state_effects(p_payload bytea)
RETURNS void
LANGUAGE plpgsql AS
$fn$
DECLARE
    v_state       jsonb;
    v_projection  jsonb;
    v_outbox      jsonb;
    v_merchant_id text;
    v_environment text;
    v_kind        text;
    v_id          text;
    v_rows        bigint;
    v_skus        text[];
    v_current     text[];
    v_conflict    text;
BEGIN
    -- Cheap byte tests first, so states without projection or outbox (and non-JSON payloads of other
    -- storage providers sharing this database) are never parsed.
    IF p_payload IS NULL OR length(p_payload) < 2 OR get_byte(p_payload, 0) <> 123 /* '{' */ THEN
        RETURN;
    END IF;
    IF position('"projection"'::bytea IN p_payload) = 0 AND position('"outbox"'::bytea IN p_payload) = 0
       AND position('"related_projections"'::bytea IN p_payload) = 0 THEN
        RETURN;
    END IF;

    v_state := convert_from(p_payload, 'UTF8')::jsonb;
    IF jsonb_typeof(v_state) <> 'object' THEN
        RETURN;
    END IF;

    v_projection := v_state -> 'projection';
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
        -- resurrect SKUs the object has since dropped. Only a "skus" array says anything about SKUs ([] releases
        -- them all); a projection without one (or with null) leaves the registry alone, so kinds that share an
        -- id with a SKU owner (e.g. inventory keyed by variant id) cannot wipe its SKUs.
        IF v_rows > 0 AND jsonb_typeof(v_projection -> 'skus') = 'array' THEN
            -- Sorted: concurrent writers then lock registry rows in the same order and cannot deadlock.
            SELECT coalesce(array_agg(DISTINCT s ORDER BY s), '{}')
              INTO v_skus
              FROM jsonb_array_elements_text(v_projection -> 'skus') AS s;

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

                -- ON CONFLICT waited for any concurrent claimant to commit or roll back, and this statement
                -- sees committed rows, so a SKU held by another object is found here.
                SELECT k.sku INTO v_conflict
                  FROM flint_skus k
                 WHERE k.merchant_id = v_merchant_id AND k.environment = v_environment
                   AND k.sku = ANY (v_skus) AND k.owner_id <> v_id
                 ORDER BY k.sku
                 LIMIT 1;
                IF FOUND THEN
                    RAISE EXCEPTION USING
                        ERRCODE = 'unique_violation',
                        MESSAGE = 'flint_sku_conflict:' || v_conflict,
                        DETAIL = format('SKU %s is already used by another object in %s/%s.',
                                        v_conflict, v_merchant_id, v_environment),
                        CONSTRAINT = 'flint_skus_pkey',
                        TABLE = 'flint_skus';
                END IF;
            END IF;
        END IF;
    END IF;

    -- Objects that live inside another grain's state (an order's payments and refunds) are listed like any
    -- other: their rows ride in their owner's write, under the same version guard (no SKUs).
    IF jsonb_typeof(v_state -> 'related_projections') = 'array' THEN
        INSERT INTO flint_objects AS o (merchant_id, environment, kind, id, version, name, status, search_text,
                                        created_at, updated_at, doc)
        SELECT r ->> 'merchant_id', r ->> 'environment', r ->> 'kind', r ->> 'id', (r ->> 'version')::bigint,
               r ->> 'name', r ->> 'status', r ->> 'search_text', (r ->> 'created_at')::timestamptz,
               (r ->> 'updated_at')::timestamptz, coalesce(r -> 'doc', '{}'::jsonb)
          FROM jsonb_array_elements(v_state -> 'related_projections') AS r
        ON CONFLICT (merchant_id, environment, kind, id) DO UPDATE
           SET version = EXCLUDED.version, name = EXCLUDED.name, status = EXCLUDED.status,
               search_text = EXCLUDED.search_text, created_at = EXCLUDED.created_at,
               updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc
         WHERE o.version < EXCLUDED.version;
    END IF;

    v_outbox := v_state -> 'outbox';
    IF jsonb_typeof(v_outbox) = 'array' AND jsonb_array_length(v_outbox) > 0 THEN
        -- The grain may write the same undispatched events again with later changes; the id keeps them once.
        INSERT INTO flint_events (id, merchant_id, environment, type, created_at, data)
        SELECT e ->> 'id', e ->> 'merchant_id', e ->> 'environment', e ->> 'type',
               (e ->> 'created_at')::timestamptz, coalesce(e -> 'data', '{}'::jsonb)
          FROM jsonb_array_elements(v_outbox) AS e
        ON CONFLICT (id) DO NOTHING;
    END IF;
END
$fn$;

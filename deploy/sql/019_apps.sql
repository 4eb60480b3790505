-- Partner apps (#16): /oauth/authorize and /oauth/token name an app by its client_id (the app's id) alone, without an
-- API key, so its tenant is found by id (ids are unguessable: 80 random bits).
-- (Guarded, not IF NOT EXISTS: see 010_flint.sql.)
DO $$
BEGIN
    IF to_regclass('flint_objects_partner_app_idx') IS NULL THEN
        CREATE INDEX flint_objects_partner_app_idx ON flint_objects (id) WHERE kind = 'partner_app';
    END IF;
END
$$;

-- App-owned webhooks (#16): an installation keeps a row of kind app_webhook (its id is the installation's) beside its
-- projection, active while the app is installed, whose doc.enabled_events are the events the app hears: a type
-- (order.paid) or a whole kind (order.*), already cut down to what its granted scopes may read. The trigger of
-- 016_webhooks.sql queues deliveries for them as for a merchant's endpoints; an app hears app.* events about its own
-- installation only, app.uninstalled too (its row is inactive by then: the uninstall wrote it first).
CREATE OR REPLACE FUNCTION flint_queue_webhook_deliveries() RETURNS trigger
LANGUAGE plpgsql AS
$fn$
BEGIN
    -- Two statements, each one index probe on (merchant_id, environment, kind): an OR of kinds in one statement
    -- could make the planner walk every object of the tenant for every event.
    INSERT INTO flint_webhook_deliveries (id, merchant_id, environment, endpoint_id, event_id, event_type, object_key, created_at)
    SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), NEW.merchant_id, NEW.environment, o.id, NEW.id, NEW.type,
           coalesce(NEW.data -> 'object' ->> (split_part(NEW.type, '.', 1) || '_id'), NEW.id), NEW.created_at
      FROM flint_objects o
     WHERE o.merchant_id = NEW.merchant_id AND o.environment = NEW.environment AND o.kind = 'webhook_endpoint'
       AND o.status = 'active' AND (o.doc -> 'enabled_events' ? '*' OR o.doc -> 'enabled_events' ? NEW.type)
    ON CONFLICT (endpoint_id, event_id) DO NOTHING;

    INSERT INTO flint_webhook_deliveries (id, merchant_id, environment, endpoint_id, event_id, event_type, object_key, created_at)
    SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), NEW.merchant_id, NEW.environment, o.id, NEW.id, NEW.type,
           coalesce(NEW.data -> 'object' ->> (split_part(NEW.type, '.', 1) || '_id'), NEW.id), NEW.created_at
      FROM flint_objects o
     WHERE o.merchant_id = NEW.merchant_id AND o.environment = NEW.environment AND o.kind = 'app_webhook'
       AND CASE WHEN split_part(NEW.type, '.', 1) = 'app'
                THEN o.id = NEW.data -> 'object' ->> 'installation_id' AND (o.status = 'active' OR NEW.type = 'app.uninstalled')
                ELSE o.status = 'active' AND (o.doc -> 'enabled_events' ? NEW.type
                                              OR o.doc -> 'enabled_events' ? (split_part(NEW.type, '.', 1) || '.*'))
           END
    ON CONFLICT (endpoint_id, event_id) DO NOTHING;
    RETURN NULL;
END
$fn$;

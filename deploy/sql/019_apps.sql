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

-- Webhook fan-out (#15, #16): an event queues one delivery (flint_webhook_deliveries, 016_webhooks.sql) per enabled
-- merchant endpoint of its tenant that wants it (projections of kind webhook_endpoint, status active, doc.enabled_events
-- holding the type or "*"), and per installed app that hears it: an installation keeps a row of kind app_webhook (its
-- id is the installation's) beside its projection, active while the app is installed, whose doc.enabled_events are a
-- type (order.paid) or a whole kind (order.*), already cut down to what its granted scopes may read. An app hears
-- app.* events about its own installation only, app.uninstalled too (its row is inactive by then: the uninstall wrote
-- it first). Queued in the event's own transaction, so no event is missed whatever the workers are doing. Most
-- tenants have neither: two index probes per event.
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

-- Made once (replacing the function above is enough to change it): re-creating a trigger on every start would lock
-- flint_events against the running cluster's writes.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'flint_events_queue_webhooks' AND tgrelid = 'flint_events'::regclass) THEN
        CREATE TRIGGER flint_events_queue_webhooks AFTER INSERT ON flint_events
            FOR EACH ROW EXECUTE FUNCTION flint_queue_webhook_deliveries();
    END IF;
END
$$;

-- Partner apps (#16): /oauth/authorize and /oauth/token name an app by its client_id (the app's id) alone, without an
-- API key, so its tenant is found by id (ids are unguessable: 80 random bits).
CREATE INDEX IF NOT EXISTS flint_objects_partner_app_idx ON flint_objects (id) WHERE kind = 'partner_app';

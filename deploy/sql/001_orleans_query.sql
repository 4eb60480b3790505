-- Orleans ADO.NET providers (clustering, persistence, reminders) read every SQL statement they run from
-- this table at start-up, keyed by name. The texts are Flint's own PostgreSQL statements; each provider
-- only fixes the key names, the @Parameter names it binds and the result column names it reads.
-- Every script in deploy/sql runs at every host start, so each one must be safe to re-run.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

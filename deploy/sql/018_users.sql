-- Merchant dashboard users (#16): who may sign in to Flint's pages (the OAuth approval page, later the dashboard).
-- A user belongs to one merchant, in both environments. The email is the sign-in name, stored trimmed and
-- lower-cased; one active user per email across Flint, so a sign-in by email finds its merchant. The password is
-- ASP.NET Core Identity's PasswordHasher format (PBKDF2, salted), never the password. A removed user keeps its row
-- (removed_at) and frees its email.
CREATE TABLE IF NOT EXISTS flint_users
(
    id              text        NOT NULL PRIMARY KEY,
    merchant_id     text        NOT NULL REFERENCES flint_merchants (id),
    email           text        NOT NULL,
    password_hash   text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Consecutive wrong passwords since the last sign-in or lock; moved by single UPDATE statements only, so
    -- concurrent attempts all count (Flint.Persistence/Users/UserDirectory.cs).
    failed_sign_ins integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz NULL,
    removed_at      timestamptz NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS flint_users_active_email_idx ON flint_users (email) WHERE removed_at IS NULL;
-- GET /v1/users: a merchant's active users, newest first.
CREATE INDEX IF NOT EXISTS flint_users_merchant_idx ON flint_users (merchant_id, created_at, id) WHERE removed_at IS NULL;

-- ASP.NET Core Data Protection's key ring (it protects antiforgery tokens and the sign-in cookie): one row per XML
-- element the key manager stores (keys, revocations), shared by every silo and kept across restarts, so a cookie
-- or form made by one silo is read by any other.
CREATE TABLE IF NOT EXISTS flint_data_protection_keys
(
    friendly_name text        NOT NULL PRIMARY KEY,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

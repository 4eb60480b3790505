using Npgsql;

namespace Flint.Baseline;

/// <summary>The baseline's own tables (prefix baseline_), created at start, beside Flint's in the same database.</summary>
public static class BaselineSchema
{
    private const string Sql = """
        SELECT pg_advisory_lock(7419001);
        CREATE TABLE IF NOT EXISTS baseline_variants (
            id                      text        PRIMARY KEY,
            product_id              text        NOT NULL,
            name                    text        NOT NULL,
            price                   bigint      NOT NULL,
            currency                text        NOT NULL,
            stock                   bigint      NOT NULL,
            enforce_inventory_limit boolean     NOT NULL,
            created_at              timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS baseline_coupons (
            code           text    PRIMARY KEY,
            percent_off    numeric NOT NULL,
            times_redeemed bigint  NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS baseline_tax_rates (
            id         text    PRIMARY KEY,
            country    text    NOT NULL,
            percentage numeric NOT NULL
        );
        CREATE TABLE IF NOT EXISTS baseline_orders (
            id          text        PRIMARY KEY,
            status      text        NOT NULL,
            currency    text        NOT NULL,
            subtotal    bigint      NOT NULL,
            discount    bigint      NOT NULL,
            tax_rate    numeric     NOT NULL,
            tax         bigint      NOT NULL,
            total       bigint      NOT NULL,
            paid        bigint      NOT NULL DEFAULT 0,
            coupon_code text        NULL,
            version     integer     NOT NULL DEFAULT 1,
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS baseline_order_lines (
            order_id   text   NOT NULL REFERENCES baseline_orders (id),
            line_no    int    NOT NULL,
            variant_id text   NOT NULL,
            name       text   NOT NULL,
            unit_price bigint NOT NULL,
            quantity   bigint NOT NULL,
            PRIMARY KEY (order_id, line_no)
        );
        CREATE INDEX IF NOT EXISTS baseline_order_lines_variant ON baseline_order_lines (variant_id);
        CREATE TABLE IF NOT EXISTS baseline_payments (
            id                  text        PRIMARY KEY,
            order_id            text        NOT NULL REFERENCES baseline_orders (id),
            amount              bigint      NOT NULL,
            currency            text        NOT NULL,
            status              text        NOT NULL,
            processor_reference text        NULL,
            created_at          timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS baseline_payments_order ON baseline_payments (order_id);
        SELECT pg_advisory_unlock(7419001);
        """;

    public static async Task Apply(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand(Sql);
        await cmd.ExecuteNonQueryAsync();
    }
}

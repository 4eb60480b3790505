using System.Collections.Concurrent;
using Flint.Payments;
using Flint.Payments.Simulated;
using Npgsql;
using NpgsqlTypes;

namespace Flint.Baseline;

/// <summary>A refusal the endpoints turn into the error envelope (same codes as Flint's for the same cases).</summary>
public sealed class BaselineException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

public sealed record VariantRow(string VariantId, string ProductId, string Name, long Price, string Currency, long Stock, bool EnforceInventoryLimit);
public sealed record LineRow(int LineNo, string VariantId, string Name, long UnitPrice, long Quantity);
public sealed record OrderRow(
    string Id, string Status, string Currency, long Subtotal, long Discount, decimal TaxRate, long Tax, long Total, long Paid,
    string? CouponCode, int Version, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<LineRow> Lines);
public sealed record PaymentRow(string Id, string OrderId, long Amount, string Currency, string Status, string? ProcessorReference);

/// <summary>
/// The hand-written way: every operation is plain SQL. Creating an order is one transaction, applying a coupon is
/// one, paying is one (lock the order and the stock rows, check, decrement, count the coupon, charge, record the
/// payment, mark paid). No caches of anything that must be exact; the tax rates are configuration held in memory.
/// </summary>
public sealed class BaselineStore(NpgsqlDataSource db, SimulatedPaymentProcessor processor, InMemorySimulatedLedger ledger)
{
    private static readonly ProcessorContext Processor = new("baseline", "test", null);
    private readonly ConcurrentDictionary<string, decimal> _taxByCountry = new(StringComparer.Ordinal);

    public static string NewId(string prefix) => prefix + Guid.CreateVersion7().ToString("N");

    public async Task LoadTaxRates()
    {
        await using var cmd = db.CreateCommand("SELECT country, sum(percentage) FROM baseline_tax_rates GROUP BY country");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) _taxByCountry[r.GetString(0)] = r.GetDecimal(1);
    }

    public async Task<string> AddTaxRate(string country, decimal percentage)
    {
        var id = NewId("tax_");
        await using var cmd = db.CreateCommand("INSERT INTO baseline_tax_rates (id, country, percentage) VALUES (@id, @c, @p)");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("c", country);
        cmd.Parameters.AddWithValue("p", percentage);
        await cmd.ExecuteNonQueryAsync();
        _taxByCountry.AddOrUpdate(country, percentage, (_, old) => old + percentage);
        return id;
    }

    public async Task<VariantRow> AddVariant(string name, long price, string currency, long stock, bool enforce)
    {
        var row = new VariantRow(NewId("var_"), NewId("prod_"), name, price, currency, stock, enforce);
        await using var cmd = db.CreateCommand("""
            INSERT INTO baseline_variants (id, product_id, name, price, currency, stock, enforce_inventory_limit)
            VALUES (@id, @pid, @name, @price, @cur, @stock, @enf)
            """);
        cmd.Parameters.AddWithValue("id", row.VariantId);
        cmd.Parameters.AddWithValue("pid", row.ProductId);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("price", price);
        cmd.Parameters.AddWithValue("cur", currency);
        cmd.Parameters.AddWithValue("stock", stock);
        cmd.Parameters.AddWithValue("enf", enforce);
        await cmd.ExecuteNonQueryAsync();
        return row;
    }

    public async Task<VariantRow?> GetVariant(string variantId)
    {
        await using var cmd = db.CreateCommand(
            "SELECT id, product_id, name, price, currency, stock, enforce_inventory_limit FROM baseline_variants WHERE id = @id");
        cmd.Parameters.AddWithValue("id", variantId);
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? ReadVariant(r) : null;
    }

    public async Task<IReadOnlyList<VariantRow>> ListVariants(int pageSize, string? after)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, product_id, name, price, currency, stock, enforce_inventory_limit FROM baseline_variants
            WHERE (@after::text IS NULL OR product_id > @after) ORDER BY product_id LIMIT @n
            """);
        cmd.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)after ?? DBNull.Value });
        cmd.Parameters.AddWithValue("n", pageSize);
        var list = new List<VariantRow>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(ReadVariant(r));
        return list;
    }

    public async Task AddCoupon(string code, decimal percentOff)
    {
        await using var cmd = db.CreateCommand("INSERT INTO baseline_coupons (code, percent_off) VALUES (@c, @p)");
        cmd.Parameters.AddWithValue("c", code);
        cmd.Parameters.AddWithValue("p", percentOff);
        try
        {
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new BaselineException(409, "COUPON_CODE_EXISTS", $"A coupon with the code {code} exists.");
        }
    }

    public async Task<OrderRow> CreateOrder(string? currency, IReadOnlyList<(string VariantId, long Quantity)> lines, string? taxCountry)
    {
        if (lines.Count == 0) throw new BaselineException(400, "MISSING_REQUIRED_FIELD", "line_items needs at least one line.");
        var ids = lines.Select(l => l.VariantId).Distinct().ToArray();
        var variants = new Dictionary<string, VariantRow>(StringComparer.Ordinal);
        await using var conn = await db.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand(
            "SELECT id, product_id, name, price, currency, stock, enforce_inventory_limit FROM baseline_variants WHERE id = ANY(@ids)", conn))
        {
            cmd.Parameters.AddWithValue("ids", ids);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var v = ReadVariant(r);
                variants[v.VariantId] = v;
            }
        }

        var rows = new List<LineRow>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!variants.TryGetValue(lines[i].VariantId, out var v))
                throw new BaselineException(404, "RESOURCE_NOT_FOUND", $"No variant {lines[i].VariantId}.");
            if (lines[i].Quantity < 1) throw new BaselineException(400, "INVALID_QUANTITY", "quantity must be at least 1.");
            currency ??= v.Currency;
            if (v.Currency != currency) throw new BaselineException(400, "CURRENCY_MISMATCH", "Every line must be in the order's currency.");
            rows.Add(new LineRow(i, v.VariantId, v.Name, v.Price, lines[i].Quantity));
        }

        var taxRate = taxCountry is not null && _taxByCountry.TryGetValue(taxCountry, out var rate) ? rate : 0m;
        var subtotal = rows.Sum(l => l.UnitPrice * l.Quantity);
        var (discount, tax, total) = Amounts(subtotal, 0m, taxRate);
        var order = new OrderRow(NewId("ord_"), "open", currency!, subtotal, discount, taxRate, tax, total, 0, null, 1,
            DateTime.UtcNow, DateTime.UtcNow, rows);

        // The order and its lines in one round trip; a batch without an explicit transaction is one implicit transaction.
        await using var batch = new NpgsqlBatch(conn);
        var insertOrder = new NpgsqlBatchCommand("""
            INSERT INTO baseline_orders (id, status, currency, subtotal, discount, tax_rate, tax, total, created_at, updated_at)
            VALUES (@id, 'open', @cur, @sub, @disc, @rate, @tax, @total, @now, @now)
            """);
        insertOrder.Parameters.AddWithValue("id", order.Id);
        insertOrder.Parameters.AddWithValue("cur", order.Currency);
        insertOrder.Parameters.AddWithValue("sub", subtotal);
        insertOrder.Parameters.AddWithValue("disc", discount);
        insertOrder.Parameters.AddWithValue("rate", taxRate);
        insertOrder.Parameters.AddWithValue("tax", tax);
        insertOrder.Parameters.AddWithValue("total", total);
        insertOrder.Parameters.AddWithValue("now", order.CreatedAt);
        batch.BatchCommands.Add(insertOrder);
        var insertLines = new NpgsqlBatchCommand("""
            INSERT INTO baseline_order_lines (order_id, line_no, variant_id, name, unit_price, quantity)
            SELECT @id, * FROM unnest(@no, @vid, @name, @price, @qty)
            """);
        insertLines.Parameters.AddWithValue("id", order.Id);
        insertLines.Parameters.AddWithValue("no", rows.Select(l => l.LineNo).ToArray());
        insertLines.Parameters.AddWithValue("vid", rows.Select(l => l.VariantId).ToArray());
        insertLines.Parameters.AddWithValue("name", rows.Select(l => l.Name).ToArray());
        insertLines.Parameters.AddWithValue("price", rows.Select(l => l.UnitPrice).ToArray());
        insertLines.Parameters.AddWithValue("qty", rows.Select(l => l.Quantity).ToArray());
        batch.BatchCommands.Add(insertLines);
        await batch.ExecuteNonQueryAsync();
        return order;
    }

    public async Task<OrderRow> GetOrder(string id)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await LoadOrder(conn, null, id, forUpdate: false) ?? throw NotFound(id);
    }

    public async Task<OrderRow> ApplyCoupon(string orderId, string code)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var order = await LoadOrder(conn, tx, orderId, forUpdate: true) ?? throw NotFound(orderId);
        if (order.Status != "open") throw new BaselineException(409, "ORDER_NOT_EDITABLE", "Only an open order takes a coupon.");
        decimal percentOff;
        await using (var cmd = new NpgsqlCommand("SELECT percent_off FROM baseline_coupons WHERE code = @c", conn, tx))
        {
            cmd.Parameters.AddWithValue("c", code);
            percentOff = await cmd.ExecuteScalarAsync() is decimal p
                ? p : throw new BaselineException(404, "COUPON_NOT_FOUND", $"No coupon has the code {code}.");
        }
        var (discount, tax, total) = Amounts(order.Subtotal, percentOff, order.TaxRate);
        await using (var cmd = new NpgsqlCommand("""
            UPDATE baseline_orders SET coupon_code = @c, discount = @d, tax = @t, total = @total, version = version + 1, updated_at = now()
            WHERE id = @id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("c", code);
            cmd.Parameters.AddWithValue("d", discount);
            cmd.Parameters.AddWithValue("t", tax);
            cmd.Parameters.AddWithValue("total", total);
            cmd.Parameters.AddWithValue("id", orderId);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return order with { CouponCode = code, Discount = discount, Tax = tax, Total = total, Version = order.Version + 1 };
    }

    /// <summary>One transaction: lock the order, lock its stock rows (in id order, so two payers never deadlock),
    /// check and take the stock, count the coupon, charge the card, record the payment, mark the order paid.
    /// A refusal or a decline rolls everything back.</summary>
    public async Task<(OrderRow Order, PaymentRow Payment)> Pay(string orderId, string token)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var order = await LoadOrder(conn, tx, orderId, forUpdate: true) ?? throw NotFound(orderId);
        if (order.Status == "paid") throw new BaselineException(409, "ORDER_ALREADY_PAID", "The order is paid.");
        if (order.Status != "open") throw new BaselineException(409, "ORDER_NOT_PAYABLE", $"The order is {order.Status}.");

        var wanted = order.Lines.GroupBy(l => l.VariantId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        var ids = wanted.Keys.Order(StringComparer.Ordinal).ToArray();
        await using (var cmd = new NpgsqlCommand(
            "SELECT id, stock, enforce_inventory_limit FROM baseline_variants WHERE id = ANY(@ids) ORDER BY id FOR UPDATE", conn, tx))
        {
            cmd.Parameters.AddWithValue("ids", ids);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                if (r.GetBoolean(2) && r.GetInt64(1) < wanted[r.GetString(0)])
                    throw new BaselineException(409, "INSUFFICIENT_INVENTORY", $"Not enough stock of {r.GetString(0)}.");
            }
        }

        var payment = new PaymentRow(NewId("pay_"), orderId, order.Total - order.Paid, order.Currency, "succeeded", null);
        var charge = await processor.Charge(Processor, new ChargeRequest(payment.Id, payment.Amount, payment.Currency, token, null, null,
            $"Order {orderId}", new Dictionary<string, string>()), CancellationToken.None);
        if (charge.Outcome != ChargeOutcome.Succeeded)
            throw new BaselineException(402, "PAYMENT_DECLINED", charge.Message ?? "The card was declined.");
        payment = payment with { ProcessorReference = charge.ProcessorReference };

        await using var batch = new NpgsqlBatch(conn, tx);
        var takeStock = new NpgsqlBatchCommand("""
            UPDATE baseline_variants v SET stock = v.stock - w.qty FROM unnest(@ids, @qty) AS w(id, qty) WHERE v.id = w.id
            """);
        takeStock.Parameters.AddWithValue("ids", ids);
        takeStock.Parameters.AddWithValue("qty", ids.Select(id => wanted[id]).ToArray());
        batch.BatchCommands.Add(takeStock);
        if (order.CouponCode is not null)
        {
            var redeem = new NpgsqlBatchCommand("UPDATE baseline_coupons SET times_redeemed = times_redeemed + 1 WHERE code = @c");
            redeem.Parameters.AddWithValue("c", order.CouponCode);
            batch.BatchCommands.Add(redeem);
        }
        var insertPayment = new NpgsqlBatchCommand("""
            INSERT INTO baseline_payments (id, order_id, amount, currency, status, processor_reference)
            VALUES (@id, @oid, @amount, @cur, 'succeeded', @ref)
            """);
        insertPayment.Parameters.AddWithValue("id", payment.Id);
        insertPayment.Parameters.AddWithValue("oid", orderId);
        insertPayment.Parameters.AddWithValue("amount", payment.Amount);
        insertPayment.Parameters.AddWithValue("cur", payment.Currency);
        insertPayment.Parameters.AddWithValue("ref", (object?)payment.ProcessorReference ?? DBNull.Value);
        batch.BatchCommands.Add(insertPayment);
        var markPaid = new NpgsqlBatchCommand(
            "UPDATE baseline_orders SET status = 'paid', paid = total, version = version + 1, updated_at = now() WHERE id = @id");
        markPaid.Parameters.AddWithValue("id", orderId);
        batch.BatchCommands.Add(markPaid);
        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return (order with { Status = "paid", Paid = order.Total, Version = order.Version + 1 }, payment);
    }

    /// <summary>The simulated processor's succeeded charges (its ledger is in this process's memory).</summary>
    public IReadOnlyList<string> SucceededCharges() =>
        ledger.RecordsOf(Processor).Values
            .Where(r => r.Kind == "charge" && r.Outcome == nameof(ChargeOutcome.Succeeded))
            .Select(r => r.Reference).ToList();

    private static async Task<OrderRow?> LoadOrder(NpgsqlConnection conn, NpgsqlTransaction? tx, string id, bool forUpdate)
    {
        // Order and lines in one round trip.
        await using var batch = new NpgsqlBatch(conn, tx);
        var o = new NpgsqlBatchCommand("""
            SELECT id, status, currency, subtotal, discount, tax_rate, tax, total, paid, coupon_code, version, created_at, updated_at
            FROM baseline_orders WHERE id = @id
            """ + (forUpdate ? " FOR UPDATE" : ""));
        o.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(o);
        var l = new NpgsqlBatchCommand(
            "SELECT line_no, variant_id, name, unit_price, quantity FROM baseline_order_lines WHERE order_id = @id ORDER BY line_no");
        l.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(l);
        await using var r = await batch.ExecuteReaderAsync();
        if (!await r.ReadAsync()) return null;
        var order = new OrderRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetDecimal(5),
            r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetInt32(10),
            r.GetDateTime(11), r.GetDateTime(12), []);
        await r.NextResultAsync();
        var lines = new List<LineRow>();
        while (await r.ReadAsync()) lines.Add(new LineRow(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)));
        return order with { Lines = lines };
    }

    /// <summary>
    /// Discount on the subtotal (nearest cent, an exact half down), tax on what is left (half to even), each rounded
    /// once, as Flint rounds.
    /// </summary>
    private static (long Discount, long Tax, long Total) Amounts(long subtotal, decimal percentOff, decimal taxRate)
    {
        var discount = (long)Math.Ceiling((subtotal * percentOff / 100m) - 0.5m);
        var tax = (long)Math.Round((subtotal - discount) * taxRate / 100m, MidpointRounding.ToEven);
        return (discount, tax, subtotal - discount + tax);
    }

    private static VariantRow ReadVariant(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetInt64(5), r.GetBoolean(6));

    private static BaselineException NotFound(string id) => new(404, "RESOURCE_NOT_FOUND", $"No order {id}.");
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Flint.Bench;

public sealed class Verification
{
    public bool DatabaseChecked { get; set; }
    public bool Passed { get; set; }
    public long ExpectedPaid { get; set; }
    public long? PaidOrders { get; set; }
    public long StockOnHand { get; set; }
    public long StockAvailable { get; set; }
    public long StockReserved { get; set; }
    public long Acknowledged { get; set; }
    public long AcknowledgedNotPaid { get; set; }
    public long? SucceededPayments { get; set; }
    public long? PaidOrdersWithoutExactlyOneSucceededPayment { get; set; }
    public long? SucceededPaymentsWithoutPaidOrder { get; set; }
    public long? PendingPayments { get; set; }
    public long? SucceededCharges { get; set; }
    public long? ChargesWithoutPaidOrder { get; set; }
    public long Oversold { get; set; }
    public double SettleSeconds { get; set; }
    /// <summary>renewals: orders with source subscription (<see cref="PaidOrders"/>: those paid), subscriptions with more
    /// than one order, invoices (and paid ones), subscriptions, and those whose cycles_billed is not 1.</summary>
    public long? SubscriptionOrders { get; set; }
    public long? SubscriptionsWithSeveralOrders { get; set; }
    public long? Invoices { get; set; }
    public long? PaidInvoices { get; set; }
    public long? Subscriptions { get; set; }
    public long? SubscriptionsNotAtOneCycle { get; set; }
    public List<string> Failures { get; set; } = [];
}

/// <summary>
/// After a flash sale: from the API, the variant's stock and every acknowledged order; from the database, every
/// order, payment and processor charge of the run. Passes only when paid orders = min(stock, buyers) exactly,
/// the stock is what is left of it, each paid order has exactly one succeeded payment and one succeeded charge,
/// and no payment or charge exists without a paid order.
/// </summary>
public static class Verifier
{
    public static async Task<Verification> FlashSale(TargetContext t, ApiClient api, Variant v, long stock, long buyers,
        IReadOnlyList<string> acknowledged, bool chaos, Action<string> log)
    {
        var result = new Verification { ExpectedPaid = Math.Min(stock, buyers), Acknowledged = acknowledged.Count };
        var inventoryPath = $"/v1/products/{v.ProductId}/variants/{v.VariantId}/inventory";

        // A payment interrupted by a crash finishes (or is undone) by itself: wait until nothing is pending.
        var settle = System.Diagnostics.Stopwatch.StartNew();
        var settleLimit = TimeSpan.FromSeconds(chaos ? 240 : 30);
        while (true)
        {
            var inv = await api.Get(inventoryPath);
            long reserved = inv.Ok ? inv.Data["quantity_reserved"]?.GetValue<long>() ?? 0 : -1;
            long pending = t.Database is not null && t.Kind == TargetKind.Flint ? await FlintPendingPayments(t) : 0;
            if (reserved == 0 && pending == 0) break;
            if (settle.Elapsed > settleLimit)
            {
                result.Failures.Add($"not settled after {settleLimit.TotalSeconds:0} s: {reserved} units reserved, {pending} payments pending");
                break;
            }
            if (settle.Elapsed.TotalSeconds % 10 < 1) log($"verify: waiting for pending payments to settle ({reserved} reserved, {pending} pending)");
            await Task.Delay(1000);
        }
        result.SettleSeconds = Math.Round(settle.Elapsed.TotalSeconds, 1);

        var stockResp = await api.Get(inventoryPath);
        if (!stockResp.Ok) throw new BenchException($"reading the stock failed: {stockResp.Outcome}");
        result.StockOnHand = stockResp.Data["quantity_on_hand"]!.GetValue<long>();
        result.StockAvailable = stockResp.Data["quantity_available"]!.GetValue<long>();
        result.StockReserved = stockResp.Data["quantity_reserved"]?.GetValue<long>() ?? 0;

        long notPaid = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            var order = await api.Get($"/v1/orders/{id}");
            if (!order.Ok || order.Data["status"]?.GetValue<string>() != "paid") Interlocked.Increment(ref notPaid);
        });
        result.AcknowledgedNotPaid = notPaid;

        if (t.Database is not null)
        {
            var db = t.Kind == TargetKind.Flint ? await FlintFacts(t, v.VariantId) : await BaselineFacts(t, api, v.VariantId);
            result.DatabaseChecked = true;
            result.PaidOrders = db.PaidOrders.Count;
            result.PendingPayments = db.Payments.Count(p => p.Status == "pending");
            var succeeded = db.Payments.Where(p => p.Status == "succeeded").ToList();
            result.SucceededPayments = succeeded.Count;
            var perOrder = succeeded.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.Count());
            result.PaidOrdersWithoutExactlyOneSucceededPayment = db.PaidOrders.Count(o => perOrder.GetValueOrDefault(o) != 1);
            result.SucceededPaymentsWithoutPaidOrder = succeeded.Count(p => !db.PaidOrders.Contains(p.OrderId));
            var paidRefs = succeeded.Where(p => db.PaidOrders.Contains(p.OrderId) && p.Reference is not null).Select(p => p.Reference!).ToHashSet();
            result.SucceededCharges = db.Charges.Count;
            result.ChargesWithoutPaidOrder = db.Charges.Count(c => !paidRefs.Contains(c));
        }

        var paid = result.PaidOrders ?? result.Acknowledged;
        result.Oversold = Math.Max(0, paid - stock) + Math.Max(0, -result.StockOnHand);
        var f = result.Failures;
        if (result.DatabaseChecked && result.PaidOrders != result.ExpectedPaid) f.Add($"paid orders {result.PaidOrders} ≠ {result.ExpectedPaid}");
        if (result.StockOnHand != stock - paid) f.Add($"stock on hand {result.StockOnHand} ≠ {stock} − {paid} sold");
        if (result.StockAvailable != result.StockOnHand || result.StockReserved != 0) f.Add($"stock available {result.StockAvailable}, reserved {result.StockReserved}");
        if (result.AcknowledgedNotPaid > 0) f.Add($"{result.AcknowledgedNotPaid} acknowledged sales are not paid orders");
        if (result.Acknowledged > paid) f.Add($"{result.Acknowledged} acknowledged sales but {paid} paid orders");
        if (result.PaidOrdersWithoutExactlyOneSucceededPayment > 0) f.Add($"{result.PaidOrdersWithoutExactlyOneSucceededPayment} paid orders without exactly one succeeded payment");
        if (result.SucceededPaymentsWithoutPaidOrder > 0) f.Add($"{result.SucceededPaymentsWithoutPaidOrder} succeeded payments without a paid order");
        if (result.PendingPayments > 0) f.Add($"{result.PendingPayments} payments still pending");
        if (result.DatabaseChecked && result.SucceededCharges != result.PaidOrders) f.Add($"{result.SucceededCharges} succeeded charges for {result.PaidOrders} paid orders");
        if (result.ChargesWithoutPaidOrder > 0) f.Add($"{result.ChargesWithoutPaidOrder} charges without a paid order");
        if (!result.DatabaseChecked) f.Add("database not checked (no connection string: --flint-db / --baseline-db)");
        result.Passed = f.Count == 0;
        return result;
    }

    private sealed record PaymentFact(string Id, string Status, string OrderId, string? Reference);
    private sealed record Facts(HashSet<string> PaidOrders, List<PaymentFact> Payments, List<string> Charges);

    private static async Task<long> FlintPendingPayments(TargetContext t)
    {
        await using var db = NpgsqlDataSource.Create(t.Database!);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FROM flint_objects WHERE merchant_id = @m AND environment = 'test' AND kind = 'payment' AND status = 'pending'");
        cmd.Parameters.AddWithValue("m", t.MerchantId!);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<Facts> FlintFacts(TargetContext t, string variantId)
    {
        await using var db = NpgsqlDataSource.Create(t.Database!);
        // The sale's orders: every order of the run's merchant with a line of the sale's variant.
        var saleOrders = new HashSet<string>(StringComparer.Ordinal);
        var paid = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("""
            SELECT id, coalesce(status, '') FROM flint_objects
            WHERE merchant_id = @m AND environment = 'test' AND kind = 'order'
              AND doc->'line_items' @> jsonb_build_array(jsonb_build_object('variant_id', @v::text))
            """))
        {
            cmd.Parameters.AddWithValue("m", t.MerchantId!);
            cmd.Parameters.AddWithValue("v", variantId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                saleOrders.Add(r.GetString(0));
                if (r.GetString(1) == "paid") paid.Add(r.GetString(0));
            }
        }
        var payments = new List<PaymentFact>();
        var allReferences = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("""
            SELECT id, coalesce(status, ''), coalesce(doc->>'order_id', ''), doc->>'processor_reference'
            FROM flint_objects WHERE merchant_id = @m AND environment = 'test' AND kind = 'payment'
            """))
        {
            cmd.Parameters.AddWithValue("m", t.MerchantId!);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var p = new PaymentFact(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3));
                if (p.Reference is not null) allReferences.Add(p.Reference);
                if (saleOrders.Contains(p.OrderId)) payments.Add(p);
            }
        }
        var saleReferences = payments.Where(p => p.Reference is not null).Select(p => p.Reference!).ToHashSet(StringComparer.Ordinal);
        // The sale's charges, and any charge no payment knows of.
        var charges = (await SucceededCharges(db, t.MerchantId!))
            .Where(reference => saleReferences.Contains(reference) || !allReferences.Contains(reference)).ToList();
        return new Facts(paid, payments, charges);
    }

    /// <summary>The simulated processor's own records of the merchant's succeeded charges (one grain per charge, key
    /// "&lt;merchant&gt;/test/sim:charge_&lt;payment id&gt;"): their references.</summary>
    private static async Task<List<string>> SucceededCharges(NpgsqlDataSource db, string merchantId)
    {
        var charges = new List<string>();
        await using var cmd = db.CreateCommand("""
            SELECT convert_from(payload_binary, 'UTF8') FROM orleans_storage
            WHERE starts_with(grain_id_string, @prefix) AND payload_binary IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("prefix", $"{merchantId}/test/sim:charge_");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var state = JsonNode.Parse(r.GetString(0));
            if (Prop(state, "outcome") == "Succeeded" && Prop(state, "reference") is { } reference) charges.Add(reference);
        }
        return charges;
    }

    /// <summary>
    /// After renewals, from the database only (the run's merchant has nothing but the scenario's objects): exactly K
    /// orders with source subscription, all paid, none two of one subscription; exactly one succeeded payment on each
    /// and none elsewhere, none pending; K invoices, all paid; K subscriptions, each at cycles_billed 1; and one
    /// succeeded charge at the simulated processor per paid order, none without one.
    /// </summary>
    public static async Task<Verification> Renewals(TargetContext t, long subscriptions, bool chaos, Action<string> log)
    {
        var result = new Verification { ExpectedPaid = subscriptions };
        var f = result.Failures;
        // A payment interrupted by a crash finishes (or is undone) by itself: wait until nothing is pending.
        var settle = System.Diagnostics.Stopwatch.StartNew();
        var settleLimit = TimeSpan.FromSeconds(chaos ? 240 : 30);
        while (await FlintPendingPayments(t) is var pending && pending > 0)
        {
            if (settle.Elapsed > settleLimit)
            {
                f.Add($"not settled after {settleLimit.TotalSeconds:0} s: {pending} payments pending");
                break;
            }
            if (settle.Elapsed.TotalSeconds % 10 < 1) log($"verify: waiting for pending payments to settle ({pending} pending)");
            await Task.Delay(1000);
        }
        result.SettleSeconds = Math.Round(settle.Elapsed.TotalSeconds, 1);

        await using var db = NpgsqlDataSource.Create(t.Database!);
        async Task<List<string?[]>> Rows(string kind, string columns, string? where = null)
        {
            var rows = new List<string?[]>();
            await using var cmd = db.CreateCommand(
                $"SELECT id, status, {columns} FROM flint_objects WHERE merchant_id = @m AND environment = 'test' AND kind = @k{(where is null ? "" : " AND " + where)}");
            cmd.Parameters.AddWithValue("m", t.MerchantId!);
            cmd.Parameters.AddWithValue("k", kind);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                rows.Add(Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? null : r.GetString(i)).ToArray());
            return rows;
        }
        static string Some(IEnumerable<string?> ids) => string.Join(", ", ids.Take(5));

        // [id, status, subscription_id]
        var orders = await Rows("order", "doc->>'subscription_id'", "doc->>'source' = 'subscription'");
        var paidOrders = orders.Where(o => o[1] == "paid").Select(o => o[0]!).ToHashSet(StringComparer.Ordinal);
        result.SubscriptionOrders = orders.Count;
        result.PaidOrders = paidOrders.Count;
        var several = orders.GroupBy(o => o[2] ?? "").Where(g => g.Count() > 1).ToList();
        result.SubscriptionsWithSeveralOrders = several.Count;
        result.DatabaseChecked = true;
        if (orders.Count != subscriptions) f.Add($"{orders.Count} orders with source subscription ≠ {subscriptions}");
        if (paidOrders.Count != orders.Count) f.Add($"{orders.Count - paidOrders.Count} subscription orders not paid ({Some(orders.Where(o => o[1] != "paid").Select(o => $"{o[0]} {o[1]}"))})");
        if (several.Count > 0) f.Add($"{several.Count} subscriptions with more than one order ({Some(several.Select(g => $"{(g.Key == "" ? "(none)" : g.Key)} ×{g.Count()}"))})");

        // [id, status, order_id, processor_reference]; the merchant has no other payments.
        var payments = await Rows("payment", "doc->>'order_id', doc->>'processor_reference'");
        var succeeded = payments.Where(p => p[1] == "succeeded").ToList();
        result.SucceededPayments = succeeded.Count(p => paidOrders.Contains(p[2] ?? ""));
        result.PendingPayments = payments.Count(p => p[1] == "pending");
        var perOrder = succeeded.GroupBy(p => p[2] ?? "").ToDictionary(g => g.Key, g => g.Count());
        result.PaidOrdersWithoutExactlyOneSucceededPayment = paidOrders.Count(o => perOrder.GetValueOrDefault(o) != 1);
        result.SucceededPaymentsWithoutPaidOrder = succeeded.Count(p => !paidOrders.Contains(p[2] ?? ""));
        if (result.SucceededPayments != subscriptions) f.Add($"{result.SucceededPayments} succeeded payments on subscription orders ≠ {subscriptions}");
        if (result.PaidOrdersWithoutExactlyOneSucceededPayment > 0) f.Add($"{result.PaidOrdersWithoutExactlyOneSucceededPayment} paid subscription orders without exactly one succeeded payment ({Some(paidOrders.Where(o => perOrder.GetValueOrDefault(o) != 1).Select(o => $"{o} ×{perOrder.GetValueOrDefault(o)}"))})");
        if (result.SucceededPaymentsWithoutPaidOrder > 0) f.Add($"{result.SucceededPaymentsWithoutPaidOrder} succeeded payments without a paid subscription order");
        if (result.PendingPayments > 0) f.Add($"{result.PendingPayments} payments still pending");

        // [id, status]
        var invoices = await Rows("invoice", "doc->>'subscription_id'");
        result.Invoices = invoices.Count;
        result.PaidInvoices = invoices.Count(i => i[1] == "paid");
        if (invoices.Count != subscriptions) f.Add($"{invoices.Count} invoices ≠ {subscriptions}");
        if (result.PaidInvoices != invoices.Count) f.Add($"{invoices.Count - result.PaidInvoices} invoices not paid ({string.Join(", ", invoices.Where(i => i[1] != "paid").GroupBy(i => i[1] ?? "null").Select(g => $"{g.Key} ×{g.Count()}"))})");

        // [id, status, cycles_billed]
        var subs = await Rows("subscription", "doc->>'cycles_billed'");
        result.Subscriptions = subs.Count;
        result.SubscriptionsNotAtOneCycle = subs.Count(s => s[2] != "1");
        if (subs.Count != subscriptions) f.Add($"{subs.Count} subscriptions ≠ {subscriptions}");
        if (result.SubscriptionsNotAtOneCycle > 0) f.Add($"{result.SubscriptionsNotAtOneCycle} subscriptions whose cycles_billed is not 1 ({string.Join(", ", subs.Where(s => s[2] != "1").GroupBy(s => s[2] ?? "null").Select(g => $"{g.Key} ×{g.Count()}"))}; e.g. {Some(subs.Where(s => s[2] != "1").Select(s => s[0]))})");

        // The processor's side: one succeeded charge per paid order, and none that no paid order's payment knows.
        var paidRefs = succeeded.Where(p => paidOrders.Contains(p[2] ?? "") && p[3] is not null).Select(p => p[3]!).ToHashSet(StringComparer.Ordinal);
        var charges = await SucceededCharges(db, t.MerchantId!);
        result.SucceededCharges = charges.Count;
        result.ChargesWithoutPaidOrder = charges.Count(c => !paidRefs.Contains(c));
        if (result.SucceededCharges != result.PaidOrders) f.Add($"{result.SucceededCharges} succeeded charges for {result.PaidOrders} paid subscription orders");
        if (result.ChargesWithoutPaidOrder > 0) f.Add($"{result.ChargesWithoutPaidOrder} charges without a paid subscription order");

        result.Passed = f.Count == 0;
        return result;
    }

    private static async Task<Facts> BaselineFacts(TargetContext t, ApiClient api, string variantId)
    {
        await using var db = NpgsqlDataSource.Create(t.Database!);
        var paid = new HashSet<string>(StringComparer.Ordinal);
        var payments = new List<PaymentFact>();
        await using (var cmd = db.CreateCommand("""
            SELECT o.id, o.status, p.id, p.status, p.processor_reference
            FROM baseline_orders o LEFT JOIN baseline_payments p ON p.order_id = o.id
            WHERE EXISTS (SELECT 1 FROM baseline_order_lines l WHERE l.order_id = o.id AND l.variant_id = @v)
            """))
        {
            cmd.Parameters.AddWithValue("v", variantId);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                if (r.GetString(1) == "paid") paid.Add(r.GetString(0));
                if (!r.IsDBNull(2)) payments.Add(new(r.GetString(2), r.GetString(3), r.GetString(0), r.IsDBNull(4) ? null : r.GetString(4)));
            }
        }
        // The baseline's processor ledger is in its memory. Its charges for this run are those of this run's
        // payments plus any charge with no payment row at all (charged, then the transaction failed).
        var ledger = await api.Get("/baseline/charges");
        if (!ledger.Ok) throw new BenchException($"reading the baseline's charges failed: {ledger.Outcome}");
        var all = ledger.Data.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("SELECT processor_reference FROM baseline_payments WHERE processor_reference = ANY(@refs)"))
        {
            cmd.Parameters.AddWithValue("refs", all.ToArray());
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) known.Add(r.GetString(0));
        }
        var mine = payments.Where(p => p.Reference is not null).Select(p => p.Reference!).ToHashSet();
        return new Facts(paid, payments, all.Where(c => mine.Contains(c) || !known.Contains(c)).ToList());
    }

    private static string? Prop(JsonNode? node, string snakeName)
    {
        if (node is not JsonObject obj) return null;
        foreach (var (k, v) in obj)
        {
            if (string.Equals(k.Replace("_", "", StringComparison.Ordinal), snakeName.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)
                && v is JsonValue value && value.TryGetValue<string>(out var s))
                return s;
        }
        return null;
    }

    internal static JsonSerializerOptions Json { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

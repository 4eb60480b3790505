using System.Globalization;
using System.Text.Json.Nodes;
using Flint.Api.Tests.Infrastructure;
using Flint.Api.Tests.Orders;
using Flint.Api.Tests.Payments;

namespace Flint.Api.Tests.Subscriptions;

/// <summary>/v1/subscriptions and /v1/invoices: a customer billed a plan every cycle with a saved card, each cycle one
/// order (source subscription) and one invoice. Amounts are asserted to the minor unit.</summary>
[Collection(ApiCollection.Name)]
public sealed class SubscriptionApiTests(ApiFixture f)
{
    [Fact]
    public async Task A_subscription_bills_its_first_cycle_at_once_as_one_paid_order_and_one_paid_invoice()
    {
        var plan = await Plan(f.A);
        var (customer, _) = await CustomerWithCard(f.A);

        var created = await f.A.Post("/v1/subscriptions", $$"""{"customer_id":"{{customer}}","plan_id":"{{plan}}"}""");
        Assert.Equal(201, created.Status);
        var sub = created.Data;
        var id = sub.Str("subscription_id");
        Assert.StartsWith("sub_", id);
        Assert.Equal("active", sub.Str("status"));
        Assert.Equal(customer, sub.Str("customer_id"));
        Assert.Equal(plan, sub.Str("plan_id"));
        Assert.Equal(1, sub.Long("quantity"));
        Assert.Equal("USD", sub.Str("currency"));
        Assert.Equal(1, sub.Long("cycles_billed"));
        Assert.False(sub.Bool("cancel_at_period_end"));
        var invoiceId = sub.Str("latest_invoice_id");
        Assert.StartsWith("inv_", invoiceId);

        var orders = await OrdersOf(f.A, id);
        var order = Assert.Single(orders);
        Assert.Equal("subscription", order.Str("source"));
        Assert.Equal("paid", order.Str("status"));
        Assert.Equal(id, order.Str("subscription_id"));
        Assert.Equal("subscription", Assert.Single(await f.A.ListAll($"/v1/payments?order_id={order.Str("order_id")}")).Str("source"));
        Assert.Equal(customer, order.Str("customer_id"));
        Assert.Equal(1500, order.Net("total"));

        var invoices = await InvoicesOf(f.A, id);
        var invoice = Assert.Single(invoices);
        Assert.Equal(invoiceId, invoice.Str("invoice_id"));
        Assert.Equal("paid", invoice.Str("status"));
        Assert.Equal(1, invoice.Long("number"));
        Assert.Equal(id, invoice.Str("subscription_id"));
        Assert.Equal(customer, invoice.Str("customer_id"));
        Assert.Equal(order.Str("order_id"), invoice.Str("order_id"));
        Assert.Equal(1500, invoice.Amount("total_money"));
        Assert.Equal(1500, invoice.Amount("amount_paid_money"));
        Assert.Equal(0, invoice.Amount("amount_due_money"));

        var get = await f.A.Get($"/v1/invoices/{invoiceId}");
        Assert.Equal(200, get.Status);
        // The list item is the same snapshot as GET (key order aside: the projection is jsonb).
        Assert.True(JsonNode.DeepEquals(invoice, get.Data), get.ToString());
        Assert.True(JsonNode.DeepEquals(sub, (await f.A.Get($"/v1/subscriptions/{id}")).Data));

        // Listed by customer, plan and status; read with the customer.
        Assert.Equal([id], (await f.A.Get($"/v1/subscriptions?customer_id={customer}")).Ids("subscription_id"));
        Assert.Equal([id], (await f.A.Get($"/v1/subscriptions?plan_id={plan}&status=active")).Ids("subscription_id"));
        Assert.Empty((await f.A.Get($"/v1/subscriptions?plan_id={plan}&status=canceled")).Ids("subscription_id"));
        Assert.Equal([invoiceId], (await f.A.Get($"/v1/invoices?customer_id={customer}&status=paid")).Ids("invoice_id"));
        Assert.Empty((await f.A.Get($"/v1/invoices?subscription_id={id}&status=open")).Ids("invoice_id"));
        // The cycle's order is in the customer's order history too.
        Assert.Contains(order.Str("order_id"), (await f.A.Get($"/v1/customers/{customer}/orders")).Ids("order_id"));
        var withCustomer = await f.A.Get($"/v1/customers/{customer}");
        Assert.Equal(200, withCustomer.Status);
        var listed = withCustomer.Data["subscriptions"]!;
        Assert.False(listed.Bool("has_more"));
        Assert.Equal(id, Assert.Single(listed.Arr("data"))!.Str("subscription_id"));

        // Another merchant sees none of it.
        (await f.B.Get($"/v1/subscriptions/{id}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.B.Get($"/v1/invoices/{invoiceId}")).AssertError(404, "RESOURCE_NOT_FOUND");
        Assert.Empty((await f.B.Get($"/v1/invoices?subscription_id={id}")).Ids("invoice_id"));
        (await f.A.Get($"/v1/invoices/{CatalogData.UnknownId("inv")}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get($"/v1/invoices/{id}")).AssertError(404, "RESOURCE_NOT_FOUND");
        (await f.A.Get("/v1/invoices?status=paidd")).AssertError(400, "INVALID_ENUM_VALUE", "status");
        (await f.A.Get("/v1/subscriptions?status=paidd")).AssertError(400, "INVALID_ENUM_VALUE", "status");
    }

    [Fact]
    public async Task Pause_resume_and_cancel_change_the_status_and_a_resume_bills_a_new_period_at_once()
    {
        var plan = await Plan(f.A);
        var (customer, _) = await CustomerWithCard(f.A);
        var id = (await Subscribe(f.A, customer, plan)).Str("subscription_id");

        // No body at all, as for an order's cancel.
        var paused = await f.A.Post($"/v1/subscriptions/{id}/pause");
        Assert.Equal(200, paused.Status);
        Assert.Equal("paused", paused.Data.Str("status"));
        Assert.Single(await OrdersOf(f.A, id));

        var resumed = await f.A.Post($"/v1/subscriptions/{id}/resume", "{}");
        Assert.Equal(200, resumed.Status);
        Assert.Equal("active", resumed.Data.Str("status"));
        Assert.Equal(2, resumed.Data.Long("cycles_billed"));
        var orders = await OrdersOf(f.A, id);
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal("paid", o.Str("status")));
        Assert.All(orders, o => Assert.Equal(1500, o.Net("total")));
        Assert.Equal([2, 1], (await InvoicesOf(f.A, id)).Select(i => i.Long("number")));

        var atEnd = await f.A.Post($"/v1/subscriptions/{id}/cancel", """{"at_period_end":true}""");
        Assert.Equal(200, atEnd.Status);
        Assert.True(atEnd.Data.Bool("cancel_at_period_end"));
        Assert.Equal("active", atEnd.Data.Str("status"));

        var canceled = await f.A.Post($"/v1/subscriptions/{id}/cancel");
        Assert.Equal(200, canceled.Status);
        Assert.Equal("canceled", canceled.Data.Str("status"));
        Assert.NotNull(canceled.Data.StrOrNull("canceled_at"));
        Assert.Equal(2, (await OrdersOf(f.A, id)).Count);
        Assert.Equal("canceled", Assert.Single((await f.A.Get($"/v1/customers/{customer}")).Data["subscriptions"]!.Arr("data"))!.Str("status"));

        (await f.A.Post($"/v1/subscriptions/{id}/pause", """{"now":true}""")).AssertError(400, "UNKNOWN_FIELD", "now");
        (await f.A.Post($"/v1/subscriptions/{id}/cancel", """{"at_period_end":"yes"}""")).AssertError(400, "INVALID_FIELD_TYPE", "at_period_end");
        (await f.A.Post($"/v1/subscriptions/{CatalogData.UnknownId("sub")}/pause")).AssertError(404, "RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task A_quantity_of_two_bills_twice_the_plan()
    {
        var plan = await Plan(f.A);
        var (customer, _) = await CustomerWithCard(f.A);
        var sub = await Subscribe(f.A, customer, plan, """ "quantity":2 """);
        Assert.Equal(2, sub.Long("quantity"));
        Assert.Equal(3000, Assert.Single(await OrdersOf(f.A, sub.Str("subscription_id"))).Net("total"));
        Assert.Equal(3000, Assert.Single(await InvoicesOf(f.A, sub.Str("subscription_id"))).Amount("amount_paid_money"));
    }

    [Fact]
    public async Task A_plan_with_a_trial_starts_trialing_and_bills_nothing_yet()
    {
        var plan = await Plan(f.A, extra: """ "trial_period_days":14 """);
        var (customer, _) = await CustomerWithCard(f.A);
        var sub = await Subscribe(f.A, customer, plan);
        Assert.Equal("trialing", sub.Str("status"));
        Assert.Equal(0, sub.Long("cycles_billed"));
        Assert.Null(sub.StrOrNull("latest_invoice_id"));
        var trialEnd = DateTimeOffset.Parse(sub.Str("trial_end"), CultureInfo.InvariantCulture);
        Assert.InRange(trialEnd - DateTimeOffset.UtcNow, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(14));
        Assert.Empty(await OrdersOf(f.A, sub.Str("subscription_id")));
        Assert.Empty(await InvoicesOf(f.A, sub.Str("subscription_id")));
    }

    [Fact]
    public async Task A_customers_GET_shows_its_ten_newest_subscriptions_and_says_when_there_are_more()
    {
        var plan = await Plan(f.A, extra: """ "trial_period_days":30 """);
        var (customer, _) = await CustomerWithCard(f.A);
        var ids = new List<string>();
        for (var i = 0; i < 11; i++) ids.Add((await Subscribe(f.A, customer, plan)).Str("subscription_id"));

        var listed = (await f.A.Get($"/v1/customers/{customer}")).Data["subscriptions"]!;
        Assert.True(listed.Bool("has_more"));
        Assert.Equal(Enumerable.Reverse(ids).Take(10), listed.Arr("data").Select(s => s!.Str("subscription_id")));
        Assert.Equal(11, (await PayTestData.ListAll(f.A, $"/v1/subscriptions?customer_id={customer}")).Count);
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_with_the_field_named_and_nothing_is_created()
    {
        var plan = await Plan(f.A);
        var inactive = await Plan(f.A, extra: """ "status":"inactive" """);
        var (customer, _) = await CustomerWithCard(f.A);
        var (_, othersCard) = await CustomerWithCard(f.A);
        var (foreignCustomer, _) = await CustomerWithCard(f.B);
        var cardless = await f.A.CreateCustomer();
        string Body(string c, string p, string extra = "") => $$"""{"customer_id":"{{c}}","plan_id":"{{p}}"{{(extra.Length > 0 ? "," + extra : "")}}}""";

        (await f.A.Post("/v1/subscriptions", Body(customer, CatalogData.UnknownId("plan")))).AssertError(400, "INVALID_PLAN", "plan_id");
        (await f.A.Post("/v1/subscriptions", Body(customer, inactive))).AssertError(400, "PLAN_INACTIVE", "plan_id");
        (await f.A.Post("/v1/subscriptions", Body(foreignCustomer, plan))).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await f.A.Post("/v1/subscriptions", Body(CatalogData.UnknownId("cus"), plan))).AssertError(400, "INVALID_CUSTOMER", "customer_id");
        (await f.A.Post("/v1/subscriptions", Body(customer, plan, $"\"customer_payment_method_id\":\"{othersCard}\"")))
            .AssertError(400, "INVALID_PAYMENT_METHOD", "customer_payment_method_id");
        (await f.A.Post("/v1/subscriptions", Body(cardless, plan))).AssertError(400, "MISSING_PAYMENT_METHOD", "customer_payment_method_id");
        (await f.A.Post("/v1/subscriptions", Body(customer, plan, "\"quantity\":0"))).AssertError(400, "VALUE_OUT_OF_RANGE", "quantity");
        var past = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        (await f.A.Post("/v1/subscriptions", Body(customer, plan, $"\"trial_end\":\"{past}\"")))
            .AssertError(400, "VALUE_OUT_OF_RANGE", "trial_end");
        (await f.A.Post("/v1/subscriptions", Body(customer, plan, "\"interval\":\"month\""))).AssertError(400, "UNKNOWN_FIELD", "interval");
        (await f.A.Post("/v1/subscriptions", $$"""{"plan_id":"{{plan}}"}""")).AssertError(400, "MISSING_REQUIRED_FIELD", "customer_id");

        foreach (var c in new[] { customer, cardless })
        {
            Assert.Empty((await f.A.Get($"/v1/subscriptions?customer_id={c}")).Ids("subscription_id"));
            Assert.Empty((await f.A.Get($"/v1/invoices?customer_id={c}")).Ids("invoice_id"));
            Assert.Empty((await f.A.Get($"/v1/customers/{c}/orders")).Ids("order_id"));
        }
        Assert.Empty((await f.A.Get($"/v1/subscriptions?plan_id={plan}")).Ids("subscription_id"));
    }

    [Fact]
    public async Task The_dunning_schedule_is_a_merchant_setting()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Dunning"));
        var defaults = (await api.Get("/v1/settings")).Data;
        Assert.Equal([1, 3, 5], defaults.Arr("subscription_retry_after_days").Select(d => d!.GetValue<long>()));
        Assert.Equal("cancel", defaults.Str("subscription_retries_exhausted"));

        var set = await api.Patch("/v1/settings", """{"subscription_retry_after_days":[2,4],"subscription_retries_exhausted":"mark_unpaid"}""");
        Assert.Equal(200, set.Status);
        foreach (var settings in new[] { set.Data, (await api.Get("/v1/settings")).Data })
        {
            Assert.Equal([2, 4], settings.Arr("subscription_retry_after_days").Select(d => d!.GetValue<long>()));
            Assert.Equal("mark_unpaid", settings.Str("subscription_retries_exhausted"));
        }

        (await api.Patch("/v1/settings", """{"subscription_retry_after_days":[3,1]}""")).AssertError(400, "INVALID_FIELD", "subscription_retry_after_days[1]");
        (await api.Patch("/v1/settings", """{"subscription_retries_exhausted":"forgive"}""")).AssertError(400, "INVALID_ENUM_VALUE", "subscription_retries_exhausted");
        Assert.Equal([2, 4], (await api.Get("/v1/settings")).Data.Arr("subscription_retry_after_days").Select(d => d!.GetValue<long>()));
    }

    [Fact]
    public async Task Concurrent_pauses_resumes_cancels_and_updates_never_bill_a_cycle_twice()
    {
        var plan = await Plan(f.A);
        var (customer, _) = await CustomerWithCard(f.A);
        var id = (await Subscribe(f.A, customer, plan)).Str("subscription_id");

        var answers = await PayTestData.AllAtOnce(20, i => (i % 4) switch
        {
            0 => f.A.Post($"/v1/subscriptions/{id}/pause"),
            1 => f.A.Post($"/v1/subscriptions/{id}/resume"),
            2 => f.A.Post($"/v1/subscriptions/{id}/cancel", """{"at_period_end":true}"""),
            _ => f.A.Patch($"/v1/subscriptions/{id}", $$"""{"quantity":{{i % 3 + 1}}}"""),
        });
        Assert.All(answers, a => Assert.True(a.Status is 200 or 409, a.ToString()));
        Assert.Contains(answers, a => a.Status == 200);

        var sub = (await f.A.Get($"/v1/subscriptions/{id}")).Data;
        var orders = await OrdersOf(f.A, id);
        var invoices = await InvoicesOf(f.A, id);
        Assert.Equal(sub.Long("cycles_billed"), orders.Count);
        Assert.Equal(orders.Count, orders.Select(o => o.Str("order_id")).Distinct().Count());
        Assert.Equal(orders.Count, invoices.Count);
        Assert.Equal(Enumerable.Range(1, invoices.Count).Select(n => (long)n), invoices.Select(i => i.Long("number")).Order());
        Assert.Equal(orders.Select(o => o.Str("order_id")).Order(), invoices.Select(i => i.Str("order_id")).Order());
        Assert.All(orders, o => Assert.Equal("paid", o.Str("status")));
    }

    /// <summary>A host of its own whose reminders may fire every second: the trial's end is billed by a real Orleans
    /// reminder, with no call to the subscription after it is created.</summary>
    [Fact]
    public async Task A_reminder_bills_the_first_cycle_when_the_trial_ends()
    {
        var db = await f.Postgres.CreateDatabaseAsync();
        await using var host = await FlintTestHost.StartAsync(db, "flint-reminders",
            new Dictionary<string, string?> { ["FLINT_REMINDER_MIN_PERIOD_SECONDS"] = "1" });
        var admin = new ApiClient(host.Client, FlintTestHost.AdminToken);
        var merchant = await admin.Post("/v1/merchants", """{"name":"Reminders"}""");
        Assert.True(merchant.Status == 201, merchant.ToString());
        var api = new ApiClient(host.Client, merchant.Data["api_keys"]!.Str("test"));
        var plan = await Plan(api);
        var (customer, _) = await CustomerWithCard(api);

        var trialEnd = DateTimeOffset.UtcNow.AddSeconds(3).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var sub = await Subscribe(api, customer, plan, $"\"trial_end\":\"{trialEnd}\"");
        Assert.Equal("trialing", sub.Str("status"));
        var id = sub.Str("subscription_id");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonNode> orders;
        while ((orders = await OrdersOf(api, id)).Count == 0 || orders[0].Str("status") != "paid")
        {
            Assert.True(DateTime.UtcNow < deadline, $"no paid order 60 s after the trial's end: {string.Join(", ", orders.Select(o => o.ToJsonString()))}");
            await Task.Delay(500);
        }
        var order = Assert.Single(orders);
        Assert.Equal(1500, order.Net("total"));
        var billed = (await api.Get($"/v1/subscriptions/{id}")).Data;
        Assert.Equal("active", billed.Str("status"));
        Assert.Equal(1, billed.Long("cycles_billed"));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_routes_as_they_answer()
    {
        var doc = (await f.Anonymous.Get("/openapi/v1.json")).Body!;
        // A local $ref, also inside a nullable oneOf.
        JsonNode Schema(JsonNode schema)
        {
            schema = schema["oneOf"]?.AsArray().FirstOrDefault(a => a?["$ref"] is not null) ?? schema;
            return schema["$ref"]?.GetValue<string>() is { } r ? doc["components"]!["schemas"]![r.Split('/')[^1]]! : schema;
        }
        JsonNode Data(string path, string method, string status) =>
            Schema(Schema(doc["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!)["properties"]!["data"]!);

        // Only GET of one customer carries its subscriptions.
        var details = Data("/v1/customers/{customer_id}", "get", "200");
        var one = details["properties"]!.AsObject();
        Assert.True(one.ContainsKey("customer_id") && one.ContainsKey("subscriptions"), one.ToJsonString());
        // Every field an answer always carries (never null) is required, subscriptions too.
        Assert.Equal(["addresses", "created_at", "customer_id", "deleted", "metadata", "subscriptions", "updated_at", "version"],
            details["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        var subscriptions = Schema(one["subscriptions"]!)["properties"]!.AsObject();
        Assert.Equal(["data", "has_more"], subscriptions.Select(p => p.Key).Order());
        Assert.False(Data("/v1/customers", "post", "201")["properties"]!.AsObject().ContainsKey("subscriptions"));

        // The actions' bodies may be left out; their fields are documented.
        foreach (var action in new[] { "pause", "resume", "cancel" })
        {
            var body = doc["paths"]![$"/v1/subscriptions/{{subscription_id}}/{action}"]!["post"]!["requestBody"]!;
            Assert.False(body["required"]?.GetValue<bool>() ?? false, $"{action}: {body.ToJsonString()}");
        }
        Assert.True(doc["paths"]!.AsObject().ContainsKey("/v1/invoices/{invoice_id}"));
        var update = Schema(doc["paths"]!["/v1/subscriptions/{subscription_id}"]!["patch"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal("""["create_prorations","none"]""", update["properties"]!["proration_behavior"]!["enum"]!.ToJsonString());
    }

    [Fact]
    public async Task A_coupon_discounts_each_cycle_and_a_decline_then_a_new_card_record_their_events()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Subs"));
        Assert.Equal(201, (await api.Post("/v1/coupons", """{"code":"CLUB20","discount_type":"percentage","percent_off":"20"}""")).Status);
        Assert.Equal(201, (await api.Post("/v1/coupons", """{"code":"EUR5","discount_type":"fixed_amount","amount_off":{"amount":500,"currency":"EUR"}}""")).Status);
        var plan = await Plan(api);
        var customer = await api.CreateCustomer();
        var failing = (await api.Post($"/v1/customers/{customer}/payment-methods", """{"token":"tok_chargeCustomerFail"}""")).Data.Str("customer_payment_method_id");

        (await api.Post("/v1/subscriptions", $$"""{"customer_id":"{{customer}}","plan_id":"{{plan}}","coupon_code":"NOPE"}""")).AssertError(400, "INVALID_COUPON", "coupon_code");
        (await api.Post("/v1/subscriptions", $$"""{"customer_id":"{{customer}}","plan_id":"{{plan}}","coupon_code":"eur5"}""")).AssertError(400, "CURRENCY_MISMATCH", "coupon_code");
        var sub = await Subscribe(api, customer, plan, """ "coupon_code":"club20" """.Trim());

        // 1500 − 20 % = 1200, declined by the card: past due, the invoice open with its decline.
        var id = sub.Str("subscription_id");
        Assert.Equal(("past_due", "CLUB20"), (sub.Str("status"), sub.Str("coupon_code")));
        var invoice = Assert.Single(await InvoicesOf(api, id));
        Assert.Equal(("open", 1500L, 300L, 1200L, 1200L), (invoice.Str("status"), invoice.Amount("subtotal_money"), invoice.Amount("discount_money"), invoice.Amount("total_money"), invoice.Amount("amount_due_money")));
        Assert.Equal("card_declined", Assert.Single(invoice.Arr("attempts"))!.Str("decline_code"));

        var good = (await api.Post($"/v1/customers/{customer}/payment-methods", """{"token":"tok_visa"}""")).Data.Str("customer_payment_method_id");
        var fixedUp = await api.Patch($"/v1/subscriptions/{id}", $$"""{"customer_payment_method_id":"{{good}}"}""");

        Assert.Equal("active", fixedUp.Data.Str("status"));
        var paid = Assert.Single(await InvoicesOf(api, id));
        Assert.Equal(("paid", 1200L, 2), (paid.Str("status"), paid.Amount("amount_paid_money"), paid.Arr("attempts").Count));
        var types = (await api.ListAll("/v1/events")).Select(e => e.Str("type")).Where(t => t.StartsWith("subscription.") || t.StartsWith("invoice.")).Reverse().ToList();
        Assert.Equal(["subscription.created", "invoice.created", "invoice.payment_failed", "subscription.payment_failed", "subscription.past_due",
            "subscription.updated", "invoice.paid", "subscription.activated"], types);
        var coupon = (await api.Get("/v1/coupons?query=CLUB20")).Data.AsArray().Single()!;
        Assert.Equal(1, coupon.Long("times_redeemed"));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>A monthly plan of one ad hoc line of 15.00 USD.</summary>
    private static async Task<string> Plan(ApiClient api, string extra = "")
    {
        var r = await api.Post("/v1/plans", $$"""
            {"name":"{{CatalogData.Unique("Club")}}","interval":"month","line_items":[{{OrderData.AdHoc("Box", 1500)}}]{{(extra.Length > 0 ? "," + extra : "")}}}
            """);
        Assert.True(r.Status == 201, $"creating a plan failed: {r}");
        return r.Data.Str("plan_id");
    }

    /// <summary>A customer with a saved tok_visa card: its id and the card's.</summary>
    private static async Task<(string CustomerId, string PaymentMethodId)> CustomerWithCard(ApiClient api)
    {
        var customer = await api.CreateCustomer();
        var card = await api.Post($"/v1/customers/{customer}/payment-methods", """{"token":"tok_visa"}""");
        Assert.True(card.Status == 201, $"saving a card failed: {card}");
        return (customer, card.Data.Str("customer_payment_method_id"));
    }

    private static async Task<JsonNode> Subscribe(ApiClient api, string customer, string plan, string extra = "")
    {
        var r = await api.Post("/v1/subscriptions", $$"""{"customer_id":"{{customer}}","plan_id":"{{plan}}"{{(extra.Length > 0 ? "," + extra : "")}}}""");
        Assert.True(r.Status == 201, $"subscribing failed: {r}");
        return r.Data;
    }

    private static Task<List<JsonNode>> OrdersOf(ApiClient api, string subscriptionId) => api.ListAll($"/v1/orders?subscription_id={subscriptionId}");

    /// <summary>Newest first.</summary>
    private static Task<List<JsonNode>> InvoicesOf(ApiClient api, string subscriptionId) => api.ListAll($"/v1/invoices?subscription_id={subscriptionId}");
}

using System.Text;
using Flint.Abstractions;
using Flint.Abstractions.Catalog;
using Flint.Abstractions.Checkout;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Devices;
using Flint.Abstractions.Inventory;
using Flint.Abstractions.Locations;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Subscriptions;
using Flint.Abstractions.Tax;
using Flint.Abstractions.Webhooks;
using Flint.Api.Tests.Infrastructure;
using Flint.Client;

namespace Flint.Api.Tests.Client;

/// <summary>The resources that came after the first client (#14–#17) and the edits, through the .NET client against a
/// real Flint, with exact amounts: a register's whole day (pairing, its event stream across a dropped connection, a
/// terminal checkout paid in cash), a subscription's first cycle, hosted checkout and links, webhook endpoints, and
/// catalog and order edits.</summary>
[Collection(ApiCollection.Name)]
public sealed class FlintClientResourceTests(ApiFixture f)
{
    private static MoneyInput Usd(long amount) => new() { Amount = amount, Currency = "USD" };

    private async Task<(FlintClient Flint, string Key)> NewClient(HttpMessageHandler? handler = null)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("ClientRes"));
        return (Client(api.Key!, handler), api.Key!);
    }

    private FlintClient Client(string key, HttpMessageHandler? handler = null) =>
        new(handler is null ? new HttpClient() : new HttpClient(handler),
            new FlintClientOptions { ApiKey = key, BaseUrl = f.Host.BaseAddress, FirstRetryDelay = TimeSpan.FromMilliseconds(50) });

    [Fact]
    public async Task A_register_pairs_hears_its_order_and_checkout_across_a_dropped_stream_and_takes_cash_with_change()
    {
        var (flint, _) = await NewClient();
        await flint.TaxRates.CreateAsync(new TaxRateRequest { Name = "CA sales tax", Percentage = "10", Jurisdiction = new JurisdictionInput { Country = "US", Region = "CA" } });
        var location = await flint.Locations.CreateAsync(new CreateLocationRequest { Name = "Front store", TaxLocation = new TaxLocationInput { Country = "US", Region = "CA" } });
        var code = await flint.Devices.CreateCodeAsync(new CreateDeviceCodeRequest { Name = "Till 1", LocationId = location.LocationId });

        // The device has no key yet: pairing sends none, and answers its token.
        var paired = await FlintClient.PairDeviceAsync(f.Host.BaseAddress, new PairDeviceRequest { Code = code.Code, AppVersion = "pos-client" });
        Assert.Equal((code.DeviceId, location.LocationId), (paired.Device.DeviceId, paired.Device.LocationId));
        // The opening block, one whole event and the start of the next ("id: 2\nev…"): the half-read one comes again.
        var dropping = new DropFirstStream(blocks: 2, tail: 9);
        using var till = Client(paired.DeviceToken, dropping);
        Assert.Equal(code.DeviceId, (await till.Devices.MeAsync()).DeviceId);

        // The register rings up 10.00 (+ 10 % tax) and puts it on its screen; the merchant sends it a checkout.
        var order = await till.Orders.CreateAsync(new CreateOrderRequest { LineItems = [new LineItemInput { Name = "Lamp", UnitPriceMoney = Usd(1000), Quantity = 1 }] });
        Assert.Equal((location.LocationId, "pos", 1000L, 100L, 1100L), (order.LocationId, order.Source, order.NetAmounts.SubtotalMoney.Amount,
            order.NetAmounts.TaxMoney.Amount, order.NetAmounts.TotalMoney.Amount));
        Assert.Equal([order.OrderId!], (await till.Devices.AddOrderAsync(new DeviceOrderRequest { OrderId = order.OrderId })).LiveOrderIds);
        var checkout = await flint.TerminalCheckouts.CreateAsync(new CreateTerminalCheckoutRequest { DeviceId = code.DeviceId, OrderId = order.OrderId, TipOptions = ["10", "15", "20"] });
        Assert.Equal(("pending", 1100L), (checkout.Status, checkout.AmountMoney.Amount));

        // The stream from its start: the client's first connection drops in the middle of its second event, and it
        // resumes after the one it had whole.
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var heard = new List<DeviceEvent>();
        var hearing = Task.Run(async () =>
        {
            await foreach (var e in till.Devices.EventsAsync(lastEventId: 0, listening.Token))
            {
                lock (heard) heard.Add(e);
                if (e.Type == "terminal_checkout.completed") break;
            }
        });
        await Until(() => { lock (heard) return heard.Any(e => e.Type == "terminal_checkout.created"); }, hearing);

        Assert.Equal("in_progress", (await till.TerminalCheckouts.StartAsync(checkout.TerminalCheckoutId)).Status);
        await Until(() => { lock (heard) return heard.Any(e => e.Type == "terminal_checkout.updated"); }, hearing);
        // 15 % tip (165), 15.00 handed over: 12.65 due, 2.35 back.
        var done = await till.TerminalCheckouts.CompleteAsync(checkout.TerminalCheckoutId,
            new CompleteTerminalCheckoutRequest { Type = "cash", TenderedMoney = Usd(1500), TipMoney = Usd(165) });
        Assert.Equal(("completed", 165L, 1500L, 235L), (done.Status, done.TipMoney!.Value.Amount, done.TenderedMoney!.Value.Amount, done.ChangeBackMoney!.Value.Amount));
        await hearing.WaitAsync(TimeSpan.FromSeconds(30));

        var ids = heard.Select(e => e.Id!.Value).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids);   // every event once, in order, across the drop
        Assert.Equal(["order.opened", "terminal_checkout.created", "terminal_checkout.updated", "terminal_checkout.completed"],
            heard.Select(e => e.Type).Where(t => t != "order.updated").ToList());
        Assert.Equal(235L, heard[^1].Data["data"]!["object"]!["change_back_money"]!["amount"]!.GetValue<long>());
        Assert.Equal(["0", "1"], dropping.LastEventIds);   // from the start, then from the one event it had

        var payment = await flint.Payments.GetAsync(done.PaymentId!);
        Assert.Equal(("cash", code.DeviceId, location.LocationId, 1100L, 165L), (payment.SourceType, payment.DeviceId, payment.LocationId,
            payment.AmountMoney.Amount - payment.TipMoney.Amount, payment.TipMoney.Amount));
        Assert.Equal("paid", (await flint.Orders.GetAsync(order.OrderId!)).Status);
        Assert.Contains(await flint.TerminalCheckouts.ListAsync(new ListOptions { DeviceId = code.DeviceId }).ToListAsync(), c => c.TerminalCheckoutId == checkout.TerminalCheckoutId);

        // Unpaired: the device's token stops at once.
        await flint.Devices.DeleteAsync(code.DeviceId);
        var refused = await Assert.ThrowsAsync<FlintError>(() => till.Devices.MeAsync());
        Assert.Equal(401, refused.StatusCode);
    }

    [Fact]
    public async Task A_stream_dropped_before_its_first_event_resumes_from_where_it_started_and_misses_nothing()
    {
        var (flint, _) = await NewClient();
        var location = await flint.Locations.CreateAsync(new CreateLocationRequest { Name = "Kiosk" });
        var code = await flint.Devices.CreateCodeAsync(new CreateDeviceCodeRequest { Name = "Kiosk 1", LocationId = location.LocationId });
        var paired = await FlintClient.PairDeviceAsync(f.Host.BaseAddress, new PairDeviceRequest { Code = code.Code });
        var dropping = new DropFirstStream(blocks: 1, holdReconnect: true);   // only the opening block gets through
        using var kiosk = Client(paired.DeviceToken, dropping);
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = kiosk.Devices.EventsAsync(ct: listening.Token).GetAsyncEnumerator();

        // Listening from now: the connection drops before any event; while the client is reconnecting, an order opens.
        var next = events.MoveNextAsync().AsTask();
        await Until(() => { lock (dropping.LastEventIds) return dropping.LastEventIds.Count == 2; }, next);
        var order = await kiosk.Orders.CreateAsync(new CreateOrderRequest { LineItems = [new LineItemInput { Name = "Tea", UnitPriceMoney = Usd(450), Quantity = 1 }] });
        await kiosk.Devices.AddOrderAsync(new DeviceOrderRequest { OrderId = order.OrderId });
        dropping.Reconnect.SetResult();

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((1L, "order.opened", order.OrderId), (events.Current.Id, events.Current.Type, events.Current.Data["data"]!["object"]!["order_id"]!.GetValue<string>()));
        // The reconnect named where the first connection started (its opening id), not "from now" again.
        Assert.Equal([null, "0"], dropping.LastEventIds);
    }

    [Fact]
    public async Task A_subscription_bills_its_first_cycle_and_pauses_resumes_and_cancels()
    {
        var (flint, _) = await NewClient();
        var plan = await flint.Plans.CreateAsync(new CreatePlanRequest
        {
            Name = "Coffee club", Interval = "month",
            LineItems = [new LineItemInput { Name = "Beans", UnitPriceMoney = Usd(1250), Quantity = 2 }],
        });
        Assert.Equal(2500L, plan.AmountMoney.Amount);
        var customer = await flint.Customers.CreateAsync(new CustomerRequest { Email = "club@example.com", Name = "Ada" });
        var card = await flint.Customers.AddPaymentMethodAsync(customer.CustomerId, new AddPaymentMethodRequest { Token = "tok_visa" });
        Assert.Equal([card.CustomerPaymentMethodId], await flint.Customers.ListPaymentMethodsAsync(customer.CustomerId).Select(m => m.CustomerPaymentMethodId).ToListAsync());

        var sub = await flint.Subscriptions.CreateAsync(new CreateSubscriptionRequest { CustomerId = customer.CustomerId, PlanId = plan.PlanId });
        Assert.Equal(("active", 1L), (sub.Status, sub.CyclesBilled));
        var invoice = Assert.Single(await flint.Invoices.ListAsync(new ListOptions { SubscriptionId = sub.SubscriptionId }).ToListAsync());
        Assert.Equal(("paid", 2500L, 2500L, 0L), (invoice.Status, invoice.TotalMoney.Amount, invoice.AmountPaidMoney.Amount, invoice.AmountDueMoney.Amount));
        Assert.Equal(invoice.InvoiceId, (await flint.Invoices.GetAsync(sub.LatestInvoiceId!)).InvoiceId);
        Assert.Equal(sub.SubscriptionId, Assert.Single((await flint.Customers.GetAsync(customer.CustomerId)).Subscriptions.Data).SubscriptionId);

        Assert.Equal("paused", (await flint.Subscriptions.PauseAsync(sub.SubscriptionId)).Status);
        Assert.Equal("active", (await flint.Subscriptions.ResumeAsync(sub.SubscriptionId)).Status);
        Assert.True((await flint.Subscriptions.CancelAsync(sub.SubscriptionId, new CancelSubscriptionRequest { AtPeriodEnd = true })).CancelAtPeriodEnd);
        Assert.Equal("canceled", (await flint.Subscriptions.CancelAsync(sub.SubscriptionId)).Status);
        Assert.Equal("inactive", (await flint.Plans.UpdateAsync(plan.PlanId, new UpdatePlanRequest { Status = "inactive" })).Status);
    }

    [Fact]
    public async Task Hosted_checkout_payment_links_and_webhook_endpoints_are_made_read_changed_and_ended()
    {
        var (flint, _) = await NewClient();
        var session = await flint.CheckoutSessions.CreateAsync(new CreateCheckoutSessionRequest
        {
            LineItems = [new LineItemInput { Name = "Poster", UnitPriceMoney = Usd(1800), Quantity = 2 }],
            Currency = "USD", SuccessUrl = "https://shop.example/thanks",
        });
        Assert.Equal(("open", 3600L), (session.Status, session.AmountDue.Amount));
        Assert.Equal("yes", (await flint.CheckoutSessions.UpdateAsync(session.CheckoutSessionId, new UpdateCheckoutSessionRequest { Metadata = new() { ["gift"] = "yes" } })).Metadata["gift"]);
        Assert.Contains(await flint.CheckoutSessions.ListAsync().ToListAsync(), s => s.CheckoutSessionId == session.CheckoutSessionId);
        Assert.Equal("expired", (await flint.CheckoutSessions.ExpireAsync(session.CheckoutSessionId)).Status);
        Assert.Equal("expired", (await flint.CheckoutSessions.GetAsync(session.CheckoutSessionId)).Status);

        var link = await flint.PaymentLinks.CreateAsync(new CreatePaymentLinkRequest { Name = "Donation", AmountMoney = Usd(500) });
        Assert.Equal((true, 500L), (link.Active, link.AmountMoney!.Value.Amount));
        Assert.False((await flint.PaymentLinks.UpdateAsync(link.PaymentLinkId, new UpdatePaymentLinkRequest { Active = false })).Active);
        Assert.Equal([link.PaymentLinkId], await flint.PaymentLinks.ListAsync().Select(l => l.PaymentLinkId).ToListAsync());
        await flint.PaymentLinks.DeleteAsync(link.PaymentLinkId);
        Assert.Empty(await flint.PaymentLinks.ListAsync().ToListAsync());

        var endpoint = await flint.WebhookEndpoints.CreateAsync(new CreateWebhookEndpointRequest { Url = "http://127.0.0.1:9/hook", EnabledEvents = ["order.paid"] });
        Assert.StartsWith("whsec_", endpoint.Secret);
        var rolled = await flint.WebhookEndpoints.RollSecretAsync(endpoint.WebhookEndpointId);
        Assert.NotEqual(endpoint.Secret, rolled.Secret);
        Assert.Equal("Orders", (await flint.WebhookEndpoints.UpdateAsync(endpoint.WebhookEndpointId, new UpdateWebhookEndpointRequest { Description = "Orders" })).Description);
        Assert.Empty(await flint.WebhookEndpoints.ListDeliveriesAsync(endpoint.WebhookEndpointId).ToListAsync());
        Assert.Null((await flint.WebhookEndpoints.GetAsync(endpoint.WebhookEndpointId)).Secret);   // shown only when made or rolled
        await flint.WebhookEndpoints.DeleteAsync(endpoint.WebhookEndpointId);
        Assert.Empty(await flint.WebhookEndpoints.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Catalog_and_order_edits_answer_the_recomputed_amounts()
    {
        var (flint, _) = await NewClient();
        var sku = CatalogData.Unique("MUG");
        var product = await flint.Products.CreateAsync(new CreateProductRequest
        {
            Name = "Mug", Options = [new ProductOptionInput { Name = "Size", Values = ["M", "L"] }],
            Variants = [new VariantInput { OptionValues = new() { ["Size"] = "M" }, Sku = sku, UnitPriceMoney = Usd(1200), InitialQuantityAvailable = 5, EnforceInventoryLimit = true }],
        });
        var mug = Assert.Single(product.Variants).VariantId;
        var big = await flint.Variants.CreateAsync(product.ProductId, new VariantInput { OptionValues = new() { ["Size"] = "L" }, UnitPriceMoney = Usd(1500) });
        Assert.Equal(1600L, (await flint.Variants.UpdateAsync(product.ProductId, big.VariantId, new UpdateVariantRequest { UnitPriceMoney = Usd(1600) })).UnitPriceMoney.Amount);
        Assert.Equal("Mug (new)", (await flint.Products.UpdateAsync(product.ProductId, new UpdateProductRequest { Name = "Mug (new)" })).Name);
        Assert.Equal(mug, (await flint.Catalog.BySkuAsync(sku)).VariantId);

        var adjusted = await flint.Inventory.AdjustAsync(product.ProductId, mug, new InventoryAdjustmentRequest { QuantityDelta = 3, ChangeReason = "received_stock" });
        Assert.Equal((5L, 8L, 8L), (adjusted.Change.QuantityBefore, adjusted.Change.QuantityAfter, adjusted.Stock.QuantityAvailable));
        Assert.Equal([3L, 5L], await flint.Inventory.HistoryAsync(product.ProductId, mug).Select(c => c.QuantityDelta).ToListAsync());
        Assert.Equal(8L, (await flint.Inventory.GetAsync(product.ProductId, mug)).QuantityAvailable);

        var lines = new List<LineItemInput> { new() { VariantId = mug, Quantity = 2 } };
        Assert.Null((await flint.Orders.CalculateAsync(new CreateOrderRequest { LineItems = lines })).OrderId);
        var order = await flint.Orders.CreateAsync(new CreateOrderRequest { LineItems = lines });
        Assert.Equal(2400L, order.NetAmounts.TotalMoney.Amount);
        order = await flint.Orders.AddLineItemAsync(order.OrderId!, new AddLineItemRequest { VariantId = big.VariantId, Quantity = 1 });
        Assert.Equal(4000L, order.NetAmounts.SubtotalMoney.Amount);
        order = await flint.Orders.UpdateLineItemAsync(order.OrderId!, order.LineItems[0].LineItemId, new UpdateLineItemRequest { Quantity = 3 });
        Assert.Equal(5200L, order.NetAmounts.SubtotalMoney.Amount);
        order = await flint.Orders.AddDiscountAsync(order.OrderId!, new AddDiscountRequest { Name = "Staff", Percentage = "10" });
        Assert.Equal((520L, 4680L), (order.NetAmounts.DiscountMoney.Amount, order.NetAmounts.TotalMoney.Amount));
        order = await flint.Orders.RemoveDiscountAsync(order.OrderId!, order.AppliedDiscounts[0].DiscountId, order.Version);
        var stale = await Assert.ThrowsAsync<FlintError>(() => flint.Orders.RemoveLineItemAsync(order.OrderId!, order.LineItems[1].LineItemId, order.Version - 1));
        Assert.Equal((409, "VERSION_MISMATCH"), (stale.StatusCode, stale.Code));
        order = await flint.Orders.RemoveLineItemAsync(order.OrderId!, order.LineItems[1].LineItemId, order.Version);
        Assert.Equal((3600L, 0L, 3600L), (order.NetAmounts.SubtotalMoney.Amount, order.NetAmounts.DiscountMoney.Amount, order.NetAmounts.TotalMoney.Amount));
        Assert.Equal("vip", (await flint.Orders.UpdateAsync(order.OrderId!, new UpdateOrderRequest { Metadata = new() { ["tier"] = "vip" } })).Metadata["tier"]);
        Assert.Equal("canceled", (await flint.Orders.CancelAsync(order.OrderId!)).Status);
        Assert.Equal(8L, (await flint.Inventory.GetAsync(product.ProductId, mug)).QuantityAvailable);
    }

    private static async Task Until(Func<bool> condition, Task watched)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            if (watched.IsFaulted) await watched;
            await Task.Delay(100);
        }
        Assert.True(condition(), "the stream did not deliver the event within 30 s");
    }

    /// <summary>Lets the first event stream deliver <paramref name="blocks"/> blocks (the opening one, then events), then
    /// breaks the connection (as a dropped Wi-Fi would); records the Last-Event-ID each stream request sent, and holds
    /// the reconnect until <see cref="Reconnect"/> is completed when <paramref name="holdReconnect"/>.</summary>
    private sealed class DropFirstStream(int blocks, bool holdReconnect = false, int tail = 0) : DelegatingHandler(new HttpClientHandler())
    {
        private int _streams;
        public List<string?> LastEventIds { get; } = [];
        public TaskCompletionSource Reconnect { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri!.AbsolutePath != "/v1/devices/me/events") return await base.SendAsync(request, ct);
            lock (LastEventIds) LastEventIds.Add(request.Headers.TryGetValues("Last-Event-ID", out var ids) ? ids.Single() : null);
            var first = Interlocked.Increment(ref _streams) == 1;
            if (!first && holdReconnect) await Reconnect.Task.WaitAsync(ct);
            var response = await base.SendAsync(request, ct);
            if (!first) return response;
            var inner = await response.Content.ReadAsStreamAsync(ct);
            var content = new StreamContent(new BreaksAfterBlocks(inner, blocks, tail));
            foreach (var h in response.Content.Headers) content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = content;
            return response;
        }
    }

    /// <summary>Passes bytes through up to the end of the n-th blank-line-ended block (and <c>tail</c> bytes of the next),
    /// then fails like a broken connection.</summary>
    private sealed class BreaksAfterBlocks(Stream inner, int blocks, int tail = 0) : Stream
    {
        private readonly Queue<byte> _pending = new();
        private int _seen;
        private int _tailLeft = tail;
        private byte _last;

        private bool Done => _seen >= blocks && _tailLeft == 0;

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct = default)
        {
            if (_pending.Count == 0)
            {
                if (Done) throw new IOException("connection reset (test)");
                var chunk = new byte[4096];
                var n = await inner.ReadAsync(chunk, ct);
                if (n == 0) return 0;
                for (var i = 0; i < n && !Done; i++)
                {
                    _pending.Enqueue(chunk[i]);
                    if (_seen >= blocks) _tailLeft--;
                    else if (chunk[i] == (byte)'\n' && _last == (byte)'\n') _seen++;
                    _last = chunk[i];
                }
            }
            var taken = 0;
            while (taken < count && _pending.Count > 0) buffer[offset + taken++] = _pending.Dequeue();
            return taken;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var array = new byte[buffer.Length];
            var n = await ReadAsync(array, 0, array.Length, ct);
            array.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

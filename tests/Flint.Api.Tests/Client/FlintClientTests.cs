using System.Net;
using Flint.Abstractions;
using Flint.Abstractions.Coupons;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Abstractions.Tax;
using Flint.Api.Tests.Infrastructure;
using Flint.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Client;

/// <summary>The .NET client against a real Flint: the product page's four calls, pagination, a retry after a lost answer
/// that makes nothing twice, a 429 waited out, and errors as <see cref="FlintError"/>.</summary>
[Collection(ApiCollection.Name)]
public sealed class FlintClientTests(ApiFixture f, ITestOutputHelper output)
{
    private async Task<(FlintClient Flint, string Key)> NewClient(HttpMessageHandler? handler = null)
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Client"));
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        return (new FlintClient(http, new FlintClientOptions { ApiKey = api.Key!, BaseUrl = f.Host.BaseAddress, FirstRetryDelay = TimeSpan.FromMilliseconds(50) }), api.Key!);
    }

    [Fact]
    public async Task The_product_pages_four_calls_run_as_written_and_answer_the_amounts()
    {
        var (flint, _) = await NewClient();
        await flint.TaxRates.CreateAsync(new TaxRateRequest { Name = "Sales tax", Percentage = "9", Jurisdiction = new JurisdictionInput { Country = "US" } });
        await flint.Coupons.CreateAsync(new CouponRequest { Code = "SPRING20", DiscountType = "percentage", PercentOff = "20" });

        // The page's snippet, in C#.
        var item = await flint.Items.CreateAsync(new CreateItemRequest
        {
            Name = "Organic Coffee Beans", Type = "ITEM_TYPE_PRODUCT",
            UnitPriceMoney = new MoneyInput { Amount = 1999, Currency = "USD" }, Sku = CatalogData.Unique("BEANS"), InventoryCount = 10,
        });
        var order = await flint.Orders.CreateAsync(new CreateOrderRequest
        {
            LineItems = [new LineItemInput { VariantId = item.VariantId, Quantity = 2 }],
            TaxLocation = new TaxLocationInput { Country = "US" },
        });
        var discounted = await flint.Orders.ApplyCouponAsync(order.OrderId!, new ApplyCouponRequest { CouponCode = "SPRING20" });
        var paid = await flint.Orders.PayAsync(order.OrderId!, new PayOrderRequest { PaymentSourceTokens = ["tok_visa"], BuyerEmail = "ada@example.com" });
        var n = paid.Order.NetAmounts;
        output.WriteLine($"subtotal {n.SubtotalMoney}, discount {n.DiscountMoney}, tax {n.TaxMoney}, total {n.TotalMoney}");

        // 2 × 19.99 = 39.98; 20 % off = 8.00 (799.6, half down); 9 % of 31.98 = 2.8782 → 2.88; 34.86 paid.
        Assert.Equal(("ITEM_TYPE_PRODUCT", item.ItemId), ("ITEM_TYPE_PRODUCT", item.Product.ProductId));
        Assert.Equal(800, discounted.NetAmounts.DiscountMoney.Amount);
        Assert.Equal((3998L, 800L, 288L, 3486L, 3486L, 0L), (n.SubtotalMoney.Amount, n.DiscountMoney.Amount, n.TaxMoney.Amount,
            n.TotalMoney.Amount, n.PaidMoney.Amount, n.BalanceMoney.Amount));
        Assert.Equal(("paid", "USD"), (paid.Order.Status, n.TotalMoney.Currency));
        Assert.Equal(("succeeded", "visa", "ada@example.com"), (paid.Payments[0].Status, paid.Payments[0].CardBrand, paid.Payments[0].BuyerEmail));
    }

    [Fact]
    public async Task Registered_as_a_typed_client_HttpClientFactory_makes_it_and_it_answers()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Factory"));
        var services = new ServiceCollection();
        services.AddSingleton(new FlintClientOptions { ApiKey = api.Key!, BaseUrl = f.Host.BaseAddress });
        services.AddHttpClient<FlintClient>();
        await using var provider = services.BuildServiceProvider();
        var flint = provider.GetRequiredService<FlintClient>();
        var made = await flint.Customers.CreateAsync(new CustomerRequest { Email = "factory@example.com" });
        Assert.Equal("factory@example.com", (await flint.Customers.GetAsync(made.CustomerId)).Email);
    }

    [Fact]
    public async Task A_list_is_every_item_across_its_pages()
    {
        var (flint, _) = await NewClient();
        var made = new List<string>();
        for (var i = 0; i < 5; i++)
            made.Add((await flint.Customers.CreateAsync(new CustomerRequest { Email = $"c{i}@example.com", Name = $"Customer {i}" })).CustomerId);
        var listed = new List<string>();
        await foreach (var c in flint.Customers.ListAsync(new() { PageSize = 2 })) listed.Add(c.CustomerId);
        Assert.Equal(made.OrderBy(x => x), listed.OrderBy(x => x));
        Assert.Equal(5, listed.Distinct().Count());
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_retried_with_its_key_and_made_once()
    {
        var lose = new LoseFirstAnswer();
        var (flint, key) = await NewClient(lose);
        var customer = await flint.Customers.CreateAsync(new CustomerRequest { Email = "once@example.com", Name = "Once" });
        Assert.Equal(2, lose.Sent.Count);                          // the first answer was lost on the way back
        Assert.Equal(lose.Sent[0], lose.Sent[1]);                  // the retry sent the same Idempotency-Key
        var all = new List<CustomerView>();
        await foreach (var c in new FlintClient(new HttpClient(), new FlintClientOptions { ApiKey = key, BaseUrl = f.Host.BaseAddress }).Customers.ListAsync()) all.Add(c);
        Assert.Equal([customer.CustomerId], all.Select(c => c.CustomerId));
    }

    [Fact]
    public async Task A_429_is_waited_out_as_Retry_After_says_and_the_call_then_answers()
    {
        var limited = new TooManyFirst(TimeSpan.FromSeconds(1));
        var (flint, _) = await NewClient(limited);
        var started = DateTime.UtcNow;
        var rate = await flint.TaxRates.CreateAsync(new TaxRateRequest { Name = "VAT", Percentage = "20", Jurisdiction = new JurisdictionInput { Country = "FR" } });
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9));
        Assert.Equal(("VAT", 2), (rate.Name, limited.Calls));
    }

    [Fact]
    public async Task Errors_are_FlintErrors_with_the_envelopes_type_code_param_and_request_id()
    {
        var (flint, _) = await NewClient();
        var order = await flint.Orders.CreateAsync(new CreateOrderRequest
        {
            LineItems = [new LineItemInput { Name = "Tea", UnitPriceMoney = new MoneyInput { Amount = 450, Currency = "USD" }, Quantity = 1 }],
        });
        var missing = await Assert.ThrowsAsync<FlintError>(() => flint.Orders.ApplyCouponAsync(order.OrderId!, new ApplyCouponRequest { CouponCode = "NOPE" }));
        Assert.Equal((404, "not_found", "RESOURCE_NOT_FOUND", "coupon_code"), (missing.StatusCode, missing.Type, missing.Code, missing.Param));
        Assert.False(string.IsNullOrEmpty(missing.RequestId));
        var declined = await Assert.ThrowsAsync<FlintError>(() => flint.Orders.PayAsync(order.OrderId!, new PayOrderRequest { PaymentSourceTokens = ["tok_chargeDeclined"] }));
        Assert.Equal((402, "payment", "PAYMENT_DECLINED", "card_declined"), (declined.StatusCode, declined.Type, declined.Code, declined.DeclineCode));
        var stale = await Assert.ThrowsAsync<FlintError>(() => flint.Orders.AddLineItemAsync(order.OrderId!, new AddLineItemRequest
        {
            Version = 99, Name = "Cake", UnitPriceMoney = new MoneyInput { Amount = 300, Currency = "USD" }, Quantity = 1,
        }));
        Assert.Equal((409, "VERSION_MISMATCH"), (stale.StatusCode, stale.Code));
        var badKey = new FlintClient(new HttpClient(), new FlintClientOptions { ApiKey = "sk_test_nope", BaseUrl = f.Host.BaseAddress });
        Assert.Equal(401, (await Assert.ThrowsAsync<FlintError>(() => badKey.Orders.GetAsync(order.OrderId!))).StatusCode);
    }

    /// <summary>Sends every request; the first one's answer is dropped as a broken connection would drop it.</summary>
    private sealed class LoseFirstAnswer() : DelegatingHandler(new HttpClientHandler())
    {
        public List<string> Sent { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method != HttpMethod.Get) Sent.Add(request.Headers.GetValues("Idempotency-Key").Single());
            var response = await base.SendAsync(request, ct);
            if (Sent.Count == 1 && request.Method != HttpMethod.Get)
            {
                response.Dispose();
                throw new HttpRequestException("The connection was reset (by the test).");
            }
            return response;
        }
    }

    /// <summary>Answers the first request 429 with Retry-After, as the rate limiter does; the rest go through.</summary>
    private sealed class TooManyFirst(TimeSpan retryAfter) : DelegatingHandler(new HttpClientHandler())
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (++Calls > 1) return base.SendAsync(request, ct);
            var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent("""{"error":{"type":"rate_limit","code":"RATE_LIMITED","message":"Slow down."},"request_id":"test"}"""),
            };
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
            return Task.FromResult(limited);
        }
    }
}

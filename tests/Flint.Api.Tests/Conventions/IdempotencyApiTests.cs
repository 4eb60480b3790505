using Flint.Api.Tests.Infrastructure;

namespace Flint.Api.Tests.Conventions;

/// <summary>Idempotency-Key: one effect per key, the first response replayed byte for byte.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyApiTests(ApiFixture f)
{
    private static string NewKey() => $"idem-{Guid.NewGuid():N}";

    [Fact]
    public async Task The_same_key_and_body_replay_the_first_response_byte_for_byte_with_one_effect()
    {
        var p = await f.A.CreateSimple(quantity: 10);
        var key = NewKey();
        var first = await f.A.Adjust(p, -1, idempotencyKey: key);
        Assert.Equal(201, first.Status);
        Assert.Null(first.Header("Idempotent-Replayed"));

        var second = await f.A.Adjust(p, -1, idempotencyKey: key);
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(first.Header("X-Request-Id"), second.Header("X-Request-Id"));
        Assert.Equal("application/json; charset=utf-8", second.ContentType);

        var third = await f.A.Adjust(p, -1, idempotencyKey: key);
        Assert.Equal(first.Raw, third.Raw);

        Assert.Equal(9, await f.A.Available(p));
        Assert.Equal(2, (await f.A.Get(p.HistoryPath())).Data.AsArray().Count);
    }

    [Fact]
    public async Task Creating_a_product_twice_with_one_key_creates_one_product()
    {
        var name = CatalogData.Unique("Once");
        var key = NewKey();
        var body = CatalogData.SimpleProductJson(name, sku: name, quantity: 2);
        var first = await f.A.Post("/v1/products", body, key);
        var second = await f.A.Post("/v1/products", body, key);
        Assert.Equal(201, first.Status);
        Assert.Equal(201, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal([first.Data.Str("product_id")], (await f.A.Get($"/v1/products?query={name}")).Ids("product_id"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_path_or_method_is_422_IDEMPOTENCY_KEY_REUSED_and_has_no_effect()
    {
        var p = await f.A.CreateSimple(quantity: 10);
        var other = await f.A.CreateSimple(quantity: 10);
        var key = NewKey();
        Assert.Equal(201, (await f.A.Adjust(p, -1, idempotencyKey: key)).Status);

        var otherBody = await f.A.Adjust(p, -2, idempotencyKey: key);
        otherBody.AssertError(422, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal("invalid_request", otherBody.Body!["error"]!.Str("type"));
        Assert.Null(otherBody.Header("Idempotent-Replayed"));
        (await f.A.Adjust(other, -1, idempotencyKey: key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");
        (await f.A.Patch(p.Path, """{"name":"x"}""", key)).AssertError(422, "IDEMPOTENCY_KEY_REUSED");

        Assert.Equal(9, await f.A.Available(p));
        Assert.Equal(10, await f.A.Available(other));
        Assert.Equal(p.Data.Str("name"), (await f.A.Get(p.Path)).Data.Str("name"));
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_one_key_have_exactly_one_effect()
    {
        var p = await f.A.CreateSimple(quantity: 100);
        var key = NewKey();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => f.A.Adjust(p, -1, idempotencyKey: key)));

        var originals = results.Where(r => r.Status == 201 && r.Header("Idempotent-Replayed") is null).ToList();
        var original = Assert.Single(originals);
        Assert.All(results, r => Assert.True(
            r.Status == 409 && r.ErrorCode == "IDEMPOTENCY_KEY_IN_USE" || r.Status == 201 && r.Raw == original.Raw,
            $"unexpected response {r}"));
        Assert.All(results.Where(r => r.Status == 201 && r != original), r => Assert.Equal("true", r.Header("Idempotent-Replayed")));
        Assert.All(results.Where(r => r.Status == 409), r => Assert.Equal("conflict", r.Body!["error"]!.Str("type")));

        Assert.Equal(99, await f.A.Available(p));
        Assert.Equal(2, (await f.A.Get(p.HistoryPath())).Data.AsArray().Count);
        var replay = await f.A.Adjust(p, -1, idempotencyKey: key);
        Assert.Equal(original.Raw, replay.Raw);
    }

    [Fact]
    public async Task A_4xx_response_is_replayed_too()
    {
        var p = await f.A.CreateSimple(quantity: 1, enforce: true);
        var key = NewKey();
        var first = await f.A.Adjust(p, -5, idempotencyKey: key);
        first.AssertError(409, "INSUFFICIENT_INVENTORY");
        Assert.Equal(201, (await f.A.Adjust(p, 10, reason: "received_stock")).Status);
        // Stock would now allow it, but the key already has its answer.
        var second = await f.A.Adjust(p, -5, idempotencyKey: key);
        Assert.Equal(409, second.Status);
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(11, await f.A.Available(p));

        var invalidKey = NewKey();
        var body = CatalogData.SimpleProductJson("Bad", currency: "usd");
        var bad = await f.A.Post("/v1/products", body, invalidKey);
        bad.AssertError(400, "INVALID_CURRENCY");
        var badAgain = await f.A.Post("/v1/products", body, invalidKey);
        Assert.Equal(bad.Raw, badAgain.Raw);
        Assert.Equal("true", badAgain.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Keys_are_scoped_per_merchant_and_environment()
    {
        var key = NewKey();
        var name = CatalogData.Unique("Scoped");
        var a = await f.A.Post("/v1/products", CatalogData.SimpleProductJson(name + "-a"), key);
        var b = await f.B.Post("/v1/products", CatalogData.SimpleProductJson(name + "-b"), key);
        var live = await f.ALive.Post("/v1/products", CatalogData.SimpleProductJson(name + "-live"), key);
        Assert.Equal(201, a.Status);
        Assert.Equal(201, b.Status);
        Assert.Equal(201, live.Status);
        Assert.Null(b.Header("Idempotent-Replayed"));
        Assert.Null(live.Header("Idempotent-Replayed"));
        Assert.NotEqual(a.Data.Str("product_id"), b.Data.Str("product_id"));
        Assert.Single((await f.B.Get($"/v1/products?query={name}")).Data.AsArray());
        Assert.Single((await f.ALive.Get($"/v1/products?query={name}")).Data.AsArray());

        var bReplay = await f.B.Post("/v1/products", CatalogData.SimpleProductJson(name + "-b"), key);
        Assert.Equal(b.Raw, bReplay.Raw);
        Assert.Equal("true", bReplay.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Patch_put_and_delete_are_idempotent_too()
    {
        var p = await f.A.CreateSimple();
        var key = NewKey();
        var first = await f.A.Patch(p.Path, """{"metadata":{"n":"1"}}""", key);
        Assert.Equal(200, first.Status);
        Assert.Equal(200, (await f.A.Patch(p.Path, """{"metadata":{"m":"2"}}""")).Status);
        var replay = await f.A.Patch(p.Path, """{"metadata":{"n":"1"}}""", key);
        Assert.Equal(first.Raw, replay.Raw);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));

        var deleteKey = NewKey();
        var del = await f.A.Send(HttpMethod.Delete, p.Path, null, deleteKey);
        var delAgain = await f.A.Send(HttpMethod.Delete, p.Path, null, deleteKey);
        Assert.Equal(200, del.Status);
        Assert.Equal(del.Raw, delAgain.Raw);
        Assert.Equal("true", delAgain.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_key_on_a_read_is_ignored()
    {
        var p = await f.A.CreateSimple(quantity: 1);
        var key = NewKey();
        var first = await f.A.Send(HttpMethod.Get, p.Path, null, key);
        Assert.Equal(201, (await f.A.Adjust(p, 1, reason: "received_stock")).Status);
        var second = await f.A.Send(HttpMethod.Get, p.Path, null, key);
        Assert.Null(second.Header("Idempotent-Replayed"));
        Assert.Equal(1, first.Data["default_variant"]!.Long("quantity_available"));
        Assert.Equal(2, second.Data["default_variant"]!.Long("quantity_available"));
    }

    [Fact]
    public async Task An_overlong_key_is_400_INVALID_IDEMPOTENCY_KEY()
    {
        var p = await f.A.CreateSimple(quantity: 5);
        (await f.A.Adjust(p, -1, idempotencyKey: new string('k', 256))).AssertError(400, "INVALID_IDEMPOTENCY_KEY");
        Assert.Equal(5, await f.A.Available(p));
        Assert.Equal(201, (await f.A.Adjust(p, -1, idempotencyKey: new string('k', 218) + NewKey())).Status);
    }

    [Fact]
    public async Task A_request_refused_before_it_runs_does_not_burn_the_key()
    {
        var p = await f.A.CreateSimple(quantity: 5);
        var key = NewKey();
        (await f.Anonymous.Post(p.AdjustPath(), """{"quantity_delta":-1,"change_reason":"loss"}""", key)).AssertError(401, "UNAUTHENTICATED");
        var r = await f.A.Adjust(p, -1, reason: "loss", idempotencyKey: key);
        Assert.Equal(201, r.Status);
        Assert.Null(r.Header("Idempotent-Replayed"));
    }
}

using Flint.Persistence.Idempotency;
using Flint.Api.Tests.Infrastructure;
using Npgsql;

namespace Flint.Api.Tests.Conventions;

/// <summary>Idempotency claims and completions are written in groups (one statement for many concurrent requests);
/// the guarantees of <see cref="IdempotencyApiTests"/> must hold under that grouping.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyGroupCommitApiTests(ApiFixture f)
{
    private static string NewKey() => $"idem-{Guid.NewGuid():N}";

    [Fact]
    public async Task Fifty_concurrent_creates_with_fifty_keys_all_succeed_and_each_replays_byte_for_byte()
    {
        var prefix = CatalogData.Unique("Grouped");
        var requests = Enumerable.Range(0, 50).Select(i => (Key: NewKey(), Body: CatalogData.SimpleProductJson($"{prefix}-{i:00}"))).ToList();

        var firsts = await Task.WhenAll(requests.Select(r => f.A.Post("/v1/products", r.Body, r.Key)));
        Assert.All(firsts, r => Assert.True(r.Status == 201 && r.Header("Idempotent-Replayed") is null, $"unexpected {r}"));
        Assert.Equal(50, firsts.Select(r => r.Data.Str("product_id")).Distinct().Count());

        var replays = await Task.WhenAll(requests.Select(r => f.A.Post("/v1/products", r.Body, r.Key)));
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(201, replays[i].Status);
            Assert.Equal("true", replays[i].Header("Idempotent-Replayed"));
            Assert.Equal(firsts[i].Raw, replays[i].Raw);
            Assert.Equal(firsts[i].Header("X-Request-Id"), replays[i].Header("X-Request-Id"));
        }
        var listed = await f.A.Get($"/v1/products?query={prefix}&page_size=100");
        Assert.Equal(50, listed.Data.AsArray().Count);
    }

    [Fact]
    public async Task Thirty_concurrent_creates_with_one_key_and_one_body_create_exactly_one_product()
    {
        var name = CatalogData.Unique("OneOfThirty");
        var body = CatalogData.SimpleProductJson(name, sku: name);
        var key = NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => f.A.Post("/v1/products", body, key)));

        var original = Assert.Single(results, r => r.Status == 201 && r.Header("Idempotent-Replayed") is null);
        Assert.All(results, r => Assert.True(
            r == original
            || r.Status == 409 && r.ErrorCode == "IDEMPOTENCY_KEY_IN_USE"
            || r.Status == 201 && r.Header("Idempotent-Replayed") == "true" && r.Raw == original.Raw,
            $"unexpected response {r}"));
        Assert.Equal([original.Data.Str("product_id")], (await f.A.Get($"/v1/products?query={name}")).Ids("product_id"));

        var replay = await f.A.Post("/v1/products", body, key);
        Assert.Equal(original.Raw, replay.Raw);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_and_different_bodies_have_one_effect_and_the_others_are_refused()
    {
        var p = await f.A.CreateSimple(quantity: 100);
        var key = NewKey();
        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => f.A.Adjust(p, -i, idempotencyKey: key)));

        var original = Assert.Single(results, r => r.Status == 201);
        Assert.All(results.Where(r => r != original), r => Assert.True(
            r.Status == 409 && r.ErrorCode == "IDEMPOTENCY_KEY_IN_USE" || r.Status == 422 && r.ErrorCode == "IDEMPOTENCY_KEY_REUSED",
            $"unexpected response {r}"));
        // Exactly one of the deltas -1 … -20 was applied.
        Assert.InRange(await f.A.Available(p), 80, 99);
    }

    /// <summary>The store itself, without HTTP in between: many claims submitted at once share group flushes, and
    /// of several claims of one key in one group exactly one wins.</summary>
    [Fact]
    public async Task One_group_with_duplicate_keys_claims_each_key_exactly_once_and_completes_them_all()
    {
        await using var db = NpgsqlDataSource.Create(f.ConnectionString);
        var store = new IdempotencyRecords(db);
        var merchant = CatalogData.Unique("mer");
        var keys = Enumerable.Range(0, 10).Select(_ => NewKey()).ToList();
        IdempotencyClaim ClaimOf(string key) => new(merchant, "test", key, [1, 2, 3], "POST", "/v1/products");

        // 10 keys × 8 claims each, submitted together (Submit queues at once, so they land in one or a few groups).
        var claims = keys.SelectMany(k => Enumerable.Range(0, 8).Select(_ => (Key: k, Task: store.TryClaim(ClaimOf(k))))).ToList();
        await Task.WhenAll(claims.Select(c => c.Task));
        foreach (var key in keys)
            Assert.Single(claims, c => c.Key == key && c.Task.Result);
        // A later claim of a held key is refused, a fresh key is claimed.
        Assert.False(await store.TryClaim(ClaimOf(keys[0])));
        Assert.True(await store.TryClaim(ClaimOf(NewKey())));

        await Task.WhenAll(keys.Select((k, i) => store.Complete(new IdempotencyCompletion(merchant, "test", k, 200 + i, [(byte)i], $$"""{"X-Request-Id":"r{{i}}"}"""))));
        for (var i = 0; i < keys.Count; i++)
        {
            var row = await store.Load(merchant, "test", keys[i], CancellationToken.None);
            Assert.NotNull(row);
            Assert.Equal(200 + i, row.Status);
            Assert.Equal([(byte)i], row.Body);
            Assert.Equal($"r{i}", row.Headers["X-Request-Id"]);
        }
    }

    [Fact]
    public async Task A_failing_item_fails_alone_and_not_the_group_it_was_flushed_with()
    {
        await using var db = NpgsqlDataSource.Create(f.ConnectionString);
        var store = new IdempotencyRecords(db);
        var merchant = CatalogData.Unique("mer");
        var good = Enumerable.Range(0, 10).Select(_ => NewKey()).ToList();
        // A NUL character cannot be stored in a PostgreSQL text column: the server refuses the whole statement.
        // Submitted amid the others (all queued at once, so most likely in one group with them).
        var goodClaims = good.Take(5).Select(k => store.TryClaim(new IdempotencyClaim(merchant, "test", k, [1], "POST", "/v1/products"))).ToList();
        var bad = store.TryClaim(new IdempotencyClaim(merchant, "test", "bad\0key", [1], "POST", "/v1/products"));
        goodClaims.AddRange(good.Skip(5).Select(k => store.TryClaim(new IdempotencyClaim(merchant, "test", k, [1], "POST", "/v1/products"))));

        Assert.All(await Task.WhenAll(goodClaims), Assert.True);
        await Assert.ThrowsAnyAsync<Exception>(() => bad);

        var completions = good.Skip(1).Take(5).Select(k => store.Complete(new IdempotencyCompletion(merchant, "test", k, 201, [], "{}"))).ToList();
        var badCompletion = store.Complete(new IdempotencyCompletion(merchant, "test", good[0], 500, [], "not json"));
        completions.AddRange(good.Skip(6).Prepend(good[0]).Select(k => store.Complete(new IdempotencyCompletion(merchant, "test", k, 201, [], "{}"))));
        await Task.WhenAll(completions);
        await Assert.ThrowsAnyAsync<Exception>(() => badCompletion);
        foreach (var k in good)
            Assert.Equal(201, (await store.Load(merchant, "test", k, CancellationToken.None))!.Status);
    }
}

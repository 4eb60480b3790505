using Flint.Abstractions;

namespace Flint.Api.Tests.Storage;

/// <summary>Grain states for storage tests: an <see cref="ObjectState"/> with a name, and its projection, events and
/// log rows (the effects Flint's storage writes beside it).</summary>
internal static class StorageTestData
{
    public sealed class TestState : ObjectState
    {
        public string Name { get; set; } = "";
    }

    public static GrainId GrainOf(string merchant, string id) => GrainId.Create("storagetest", $"{merchant}/test/{id}");

    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public static ProjectionRecord Projection(string merchant, string kind, string id, long version, string name, List<string>? skus = null) => new()
    {
        Kind = kind,
        MerchantId = merchant,
        Environment = "test",
        Id = id,
        Version = version,
        Name = name,
        Status = "active",
        SearchText = name,
        CreatedAt = T0,
        UpdatedAt = T0.AddSeconds(version),
        Skus = skus,
        Doc = id == "ord_1" ? $$$"""{"name":"{{{name}}}","nested":{"n":1}}""" : $$"""{"name":"{{name}}"}""",
    };

    public static TestState NewState(string merchant, string id, long version, string name, List<string>? skus = null,
        bool withEvent = false, bool withLog = false)
    {
        var s = new TestState { Version = version, Name = name, Projection = Projection(merchant, "storage_test", id, version, name, skus) };
        if (withEvent)
        {
            s.Outbox.Add(new OutboxEvent
            {
                Id = $"evt_{id}", MerchantId = merchant, Environment = "test", Type = "storage_test.changed", CreatedAt = T0,
                Data = $$$"""{"object":{"id":"{{{id}}}"}}""",
            });
        }
        if (withLog)
        {
            s.Log =
            [
                new LogEntry { Kind = "note", MerchantId = merchant, Environment = "test", OwnerId = id, Id = $"log_{id}_a", CreatedAt = T0, Doc = """{"delta":-1}""" },
                new LogEntry { Kind = "note", MerchantId = merchant, Environment = "test", OwnerId = id, Id = $"log_{id}_b", CreatedAt = T0.AddSeconds(1), Doc = """{"delta":2}""" },
            ];
        }
        return s;
    }

    public static TestState NewCoupon(string merchant, string id, string code) => new()
    {
        Version = 1,
        Name = code,
        Projection = Projection(merchant, "coupon", id, 1, code),
    };
}

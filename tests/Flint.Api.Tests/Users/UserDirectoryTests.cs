using Flint.Api.Tests.Infrastructure;
using Flint.Persistence.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Flint.Api.Tests.Users;

/// <summary>The lockout count in PostgreSQL under real concurrency: the statements behind the sign-in page, called
/// at once from many tasks (the page itself spends most of an attempt hashing, which spreads attempts out).</summary>
[Collection(ApiCollection.Name)]
public sealed class UserDirectoryTests(ApiFixture f)
{
    private IUserDirectory Users => f.Host.Services.GetRequiredService<IUserDirectory>();

    [Fact]
    public async Task Concurrent_failures_all_count_none_is_lost()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Directory"));
        var userId = await api.AddUser(UserData.NewEmail("count"));
        var now = DateTimeOffset.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(() => Users.RecordFailedSignIn(userId, now, limit: 1000, now.AddMinutes(5), CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(new FailedSignIn(Counted: true, LockedUntil: null), r));
        Assert.Equal(40, (await UserData.Row(f.ConnectionString, userId)).FailedSignIns);
    }

    [Fact]
    public async Task Of_concurrent_failures_exactly_the_limit_count_one_locks_and_the_rest_meet_the_lock()
    {
        var (api, _, _) = await f.NewMerchant(CatalogData.Unique("Directory"));
        var userId = await api.AddUser(UserData.NewEmail("lock"));
        var now = DateTimeOffset.UtcNow;
        var until = now.AddMinutes(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
            Task.Run(() => Users.RecordFailedSignIn(userId, now, limit: 5, until, CancellationToken.None))));

        Assert.Equal(5, results.Count(r => r.Counted));
        Assert.Equal(1, results.Count(r => r.LockedUntil is not null));
        Assert.Equal(25, results.Count(r => !r.Counted));
        var row = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal(0, row.FailedSignIns);
        Assert.Equal(until.ToUnixTimeMilliseconds(), row.LockedUntil!.Value.ToUnixTimeMilliseconds());
        // While locked even a right password is not recorded; once the lock has passed it is, and clears it.
        Assert.False(await Users.RecordSignIn(userId, null, now.AddMinutes(1), CancellationToken.None));
        Assert.True(await Users.RecordSignIn(userId, null, until.AddSeconds(1), CancellationToken.None));
        row = await UserData.Row(f.ConnectionString, userId);
        Assert.Equal((0, (DateTimeOffset?)null), (row.FailedSignIns, row.LockedUntil));
    }
}

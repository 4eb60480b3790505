namespace Flint.Domain.Tests;

internal static class Expect
{
    public static DomainException Error(string code, Action act)
    {
        var error = Assert.Throws<DomainException>(act);
        Assert.Equal(code, error.Code);
        return error;
    }

    public static DomainException Error(string code, Func<object?> act) => Error(code, () => { _ = act(); });
}

/// <summary>A clock the test moves by hand (the BCL has no settable TimeProvider and we add no packages).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

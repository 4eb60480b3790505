namespace Flint.Domain;

/// <summary>
/// A secret that is rolled (a webhook signing secret, an app's client secret): the new one works at once, and the one
/// it replaced keeps working beside it for <see cref="PreviousValidFor"/>, so whoever holds it has a day to switch.
/// </summary>
public static class RolledSecrets
{
    public static readonly TimeSpan PreviousValidFor = TimeSpan.FromHours(24);

    /// <summary>The secrets valid at <paramref name="now"/>: the current one, and the previous one until its time is up.</summary>
    public static IReadOnlyList<string> Valid(string current, string? previous, DateTimeOffset? previousUntil, DateTimeOffset now) =>
        previous is not null && previousUntil > now ? [current, previous] : [current];
}

namespace Flint.Domain.Tests.Common;

public sealed class RolledSecretsTests
{
    private static readonly DateTimeOffset Rolled = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_previous_secret_works_beside_the_new_one_for_a_day_after_the_roll_and_not_after()
    {
        var until = Rolled + RolledSecrets.PreviousValidFor;
        Assert.Equal(["new", "old"], RolledSecrets.Valid("new", "old", until, Rolled.AddHours(23)));
        Assert.Equal(["new"], RolledSecrets.Valid("new", "old", until, Rolled.AddHours(24)));
        Assert.Equal(["new"], RolledSecrets.Valid("new", null, null, Rolled));
    }
}

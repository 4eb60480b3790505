using Flint.Domain.Users;

namespace Flint.Domain.Tests.Users;

public sealed class UserRulesTests
{
    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("  Ada@Example.COM\t", "ada@example.com")]
    [InlineData("a@b", "a@b")]
    public void An_email_is_trimmed_and_lower_cased(string typed, string stored) =>
        Assert.Equal(stored, UserRules.NormalizeEmail(typed));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ab")]
    [InlineData("adaexample.com")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@home@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada\u0000@example.com")]
    public void A_malformed_email_is_INVALID_FIELD_naming_the_field(string typed)
    {
        var e = Assert.Throws<DomainException>(() => UserRules.NormalizeEmail(typed, "owner.email"));
        Assert.Equal(("INVALID_FIELD", "owner.email", DomainErrorKind.InvalidRequest), (e.Code, e.Param, e.Kind));
        Assert.False(UserRules.TryNormalizeEmail(typed, out _));
    }

    [Fact]
    public void An_email_may_have_254_characters_but_not_255()
    {
        var local = new string('a', 64);
        var at254 = local + "@" + new string('b', 254 - 65);
        Assert.Equal(254, at254.Length);
        Assert.Equal(at254, UserRules.NormalizeEmail(at254));
        Assert.Equal("INVALID_FIELD", Assert.Throws<DomainException>(() => UserRules.NormalizeEmail(at254 + "c")).Code);
    }

    [Fact]
    public void A_missing_email_or_password_is_MISSING_REQUIRED_FIELD()
    {
        Assert.Equal(("MISSING_REQUIRED_FIELD", "email"), Code(() => UserRules.NormalizeEmail(null)));
        Assert.Equal(("MISSING_REQUIRED_FIELD", "password"), Code(() => UserRules.RequirePassword(null)));
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void A_password_has_10_to_128_characters(int length, bool accepted)
    {
        var password = new string('p', length);
        if (accepted) Assert.Same(password, UserRules.RequirePassword(password));
        else Assert.Equal(("INVALID_FIELD", "password"), Code(() => UserRules.RequirePassword(password)));
    }

    [Fact]
    public void A_password_is_counted_in_characters_and_kept_exactly_as_typed()
    {
        // Ten emoji are ten characters (twenty UTF-16 units); the spaces around a password are part of it.
        var emoji = string.Concat(Enumerable.Repeat("🔑", 10));
        Assert.Same(emoji, UserRules.RequirePassword(emoji));
        Assert.Equal(" correct horse ", UserRules.RequirePassword(" correct horse "));
        Assert.Equal(("INVALID_FIELD", "password"), Code(() => UserRules.RequirePassword("0123456789\0")));
    }

    [Fact]
    public void A_user_is_locked_only_until_the_lock_ends()
    {
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        Assert.False(SignInLockout.IsLocked(null, now));
        Assert.True(SignInLockout.IsLocked(now + SignInLockout.Duration, now));
        Assert.False(SignInLockout.IsLocked(now, now));
        Assert.Equal((5, TimeSpan.FromMinutes(5)), (SignInLockout.MaxFailedAttempts, SignInLockout.Duration));
    }

    private static (string Code, string? Param) Code(Action act)
    {
        var e = Assert.Throws<DomainException>(act);
        return (e.Code, e.Param);
    }
}

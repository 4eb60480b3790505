namespace Flint.Domain.Users;

/// <summary>
/// What a merchant's dashboard user must give: an email (the sign-in name, one user per email across Flint, so a
/// sign-in finds its merchant) and a password. Errors are <c>400 INVALID_FIELD</c> / <c>MISSING_REQUIRED_FIELD</c>
/// naming the field. Passwords are taken exactly as typed (no trimming: a space may be part of one); emails are
/// trimmed and lower-cased, so "Ada@Example.com " and "ada@example.com" are one user.
/// </summary>
public static class UserRules
{
    public const int MinEmailLength = 3;
    public const int MaxEmailLength = 254;
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;

    /// <summary>The email as stored and looked up: trimmed, lower-cased (invariant culture), 3–254 characters with
    /// exactly one '@' that has something on both sides, and no spaces or control characters.</summary>
    public static string NormalizeEmail(string? email, string param = "email")
    {
        if (email is null) throw DomainException.Missing(param);
        return TryNormalizeEmail(email, out var normalized)
            ? normalized
            : throw DomainException.Invalid("INVALID_FIELD",
                $"{param} must be an email address of {MinEmailLength}–{MaxEmailLength} characters with one '@' (such as ada@example.com).", param);
    }

    /// <summary>Like <see cref="NormalizeEmail"/> without an error: the sign-in form treats a malformed email as an
    /// unknown one.</summary>
    public static bool TryNormalizeEmail(string? email, out string normalized)
    {
        normalized = (email ?? "").Trim().ToLowerInvariant();
        var length = Validation.CharacterCount(normalized);
        if (length is < MinEmailLength or > MaxEmailLength) return false;
        var at = normalized.IndexOf('@');
        if (at <= 0 || at == normalized.Length - 1 || normalized.IndexOf('@', at + 1) >= 0) return false;
        foreach (var c in normalized)
            if (char.IsControl(c) || char.IsWhiteSpace(c)) return false;
        return true;
    }

    /// <summary>A new password: 10–128 characters (code points), no NUL. Returned unchanged.</summary>
    public static string RequirePassword(string? password, string param = "password")
    {
        if (password is null) throw DomainException.Missing(param);
        var length = Validation.CharacterCount(password);
        if (length is < MinPasswordLength or > MaxPasswordLength || password.Contains('\0'))
            throw DomainException.Invalid("INVALID_FIELD",
                $"{param} must be {MinPasswordLength}–{MaxPasswordLength} characters long (got {length}).", param);
        return password;
    }
}

/// <summary>
/// Repeated wrong passwords lock a user for a while, as ASP.NET Core Identity's defaults do: the fifth consecutive
/// failure locks the user for five minutes and starts the count again; while locked, even the right password is
/// refused and nothing is counted; a successful sign-in resets the count. The count itself moves in the database, one
/// atomic statement per attempt with these numbers as parameters (<c>IUserDirectory</c>), so concurrent wrong passwords
/// all count.
/// </summary>
public static class SignInLockout
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    public static bool IsLocked(DateTimeOffset? lockedUntil, DateTimeOffset now) => lockedUntil is { } until && until > now;
}

using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Users;
using Flint.Persistence.Users;
using Microsoft.AspNetCore.Identity;

namespace Flint.Api.Users;

/// <summary>How one sign-in attempt ended.</summary>
public abstract record SignInOutcome
{
    private SignInOutcome() { }

    public sealed record SignedIn(UserRecord User) : SignInOutcome;

    /// <summary>Unknown email or wrong password: the page says the same for both.</summary>
    public sealed record Refused : SignInOutcome;

    /// <summary>Too many wrong passwords: refused until <see cref="Until"/>, whatever the password.</summary>
    public sealed record LockedOut(DateTimeOffset Until) : SignInOutcome;
}

/// <summary>
/// A merchant's dashboard users: adding (the password hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>:
/// PBKDF2-HMAC-SHA512, salted, its format versioned so a later default is taken up by a rehash at sign-in), listing,
/// removing, and checking a sign-in against <see cref="SignInLockout"/>. Rows live in <see cref="IUserDirectory"/>.
/// </summary>
public sealed class UserAccounts(IUserDirectory directory, TimeProvider clock)
{
    private readonly PasswordHasher<UserRecord> _hasher = new();

    /// <summary>A hash of a password nobody knows, verified against when the email is unknown, so an unknown email
    /// costs the same hashing time as a wrong password and the answer's timing does not tell which it was.</summary>
    private readonly Lazy<string> _unknownUserHash = new(() =>
        new PasswordHasher<UserRecord>().HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private static readonly UserRecord Nobody = new("", "", "", DateTimeOffset.UnixEpoch, null);

    /// <summary>A new user of the merchant, ready to store: <paramref name="email"/> and <paramref name="password"/>
    /// must have passed <see cref="UserRules"/>.</summary>
    public NewUserRow Draft(string merchantId, string email, string password)
    {
        var user = new UserRecord(FlintId.New(IdPrefix.User, clock), merchantId, email, clock.GetUtcNow(), null);
        return new NewUserRow(user, _hasher.HashPassword(user, password));
    }

    /// <summary>Adds a user to the merchant; 409 EMAIL_TAKEN when an active user (of any merchant) has the email.</summary>
    public async Task<UserRecord> Add(string merchantId, string email, string password, CancellationToken ct)
    {
        var row = Draft(merchantId, email, password);
        if (!await directory.Add(row, ct)) throw EmailTaken();
        return row.User;
    }

    public Task<IReadOnlyList<UserRecord>> List(string merchantId, CancellationToken ct) => directory.Users(merchantId, ct);

    public Task<UserRecord?> Remove(string merchantId, string userId, CancellationToken ct) =>
        directory.Remove(merchantId, userId, clock.GetUtcNow(), ct);

    public Task<bool> IsActive(string userId, string merchantId, CancellationToken ct) => directory.IsActive(userId, merchantId, ct);

    /// <summary>Checks an email and password as typed on the sign-in form. A locked user is refused before the password
    /// is looked at and nothing is counted; a wrong password is counted (the fifth in a row locks); a right one resets
    /// the count, and stores a fresh hash when the hasher asks for one.</summary>
    public async Task<SignInOutcome> SignIn(string email, string password, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var found = UserRules.TryNormalizeEmail(email, out var normalized) ? await directory.CredentialsOf(normalized, ct) : null;
        if (found is null)
        {
            _hasher.VerifyHashedPassword(Nobody, _unknownUserHash.Value, password);
            return new SignInOutcome.Refused();
        }
        if (SignInLockout.IsLocked(found.LockedUntil, now)) return new SignInOutcome.LockedOut(found.LockedUntil!.Value);

        var verdict = _hasher.VerifyHashedPassword(found.User, found.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failed = await directory.RecordFailedSignIn(found.User.Id, now, SignInLockout.MaxFailedAttempts, now + SignInLockout.Duration, ct);
            // Not counted: another attempt locked the user while this one was hashing.
            if (!failed.Counted) return new SignInOutcome.LockedOut(now + SignInLockout.Duration);
            return failed.LockedUntil is { } until ? new SignInOutcome.LockedOut(until) : new SignInOutcome.Refused();
        }
        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? _hasher.HashPassword(found.User, password) : null;
        // Refused when a concurrent wrong password locked the user (or the user was removed) since the read above.
        return await directory.RecordSignIn(found.User.Id, rehash, now, ct)
            ? new SignInOutcome.SignedIn(found.User)
            : new SignInOutcome.LockedOut(now + SignInLockout.Duration);
    }

    public static ApiException EmailTaken() =>
        new(409, "conflict", "EMAIL_TAKEN", "A dashboard user with this email already exists; each email signs in to one merchant.", "email");
}

namespace Flint.Abstractions.Users;

public sealed class CreateUserRequest
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

/// <summary>A dashboard user as the API shows it: never its password or hash.</summary>
public sealed record UserView(string UserId, string Email, DateTimeOffset CreatedAt);

/// <summary>The answer to a removal: the user and when it was removed.</summary>
public sealed record RemovedUserView(string UserId, string Email, DateTimeOffset CreatedAt, DateTimeOffset RemovedAt);

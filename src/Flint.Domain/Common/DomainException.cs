namespace Flint.Domain;

/// <summary>How the API layer should classify a <see cref="DomainException"/> (error <c>type</c> and status).</summary>
public enum DomainErrorKind
{
    /// <summary>400 <c>invalid_request</c>: the input breaks a rule; nothing was changed.</summary>
    InvalidRequest,

    /// <summary>404 <c>not_found</c>.</summary>
    NotFound,

    /// <summary>409 <c>conflict</c>: the input is fine but the current state forbids it.</summary>
    Conflict,

    /// <summary>402 <c>payment</c>: the processor declined.</summary>
    Payment,
}

/// <summary>
/// A business rule refused the request. The API's single error mapper turns it into the error envelope,
/// so everything a client needs to act on (code, message, json path) travels with the exception.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string code, string message, string? param = null)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Kind = kind;
        Code = code;
        Param = param;
    }

    /// <summary>UPPER_SNAKE error code, stable across releases (clients branch on it).</summary>
    public string Code { get; }

    /// <summary>JSON path of the offending field (<c>variants[1].sku</c>), or null when no single field is at fault.</summary>
    public string? Param { get; }

    public DomainErrorKind Kind { get; }

    /// <summary>For declined payments: the processor's reason (card_declined, insufficient_funds, …).</summary>
    public string? DeclineCode { get; init; }

    public static DomainException Invalid(string code, string message, string? param = null) =>
        new(DomainErrorKind.InvalidRequest, code, message, param);

    /// <summary><c>400 MISSING_REQUIRED_FIELD</c>: "{param} is required." (or the message given).</summary>
    public static DomainException Missing(string param, string? message = null) =>
        new(DomainErrorKind.InvalidRequest, "MISSING_REQUIRED_FIELD", message ?? $"{param} is required.", param);

    public static DomainException Conflict(string code, string message, string? param = null) =>
        new(DomainErrorKind.Conflict, code, message, param);

    /// <summary>Always <c>RESOURCE_NOT_FOUND</c>: a foreign tenant's object must look exactly like a missing one.</summary>
    public static DomainException NotFound(string message) =>
        new(DomainErrorKind.NotFound, "RESOURCE_NOT_FOUND", message);

    public static DomainException PaymentFailed(string code, string message, string? param = null) =>
        new(DomainErrorKind.Payment, code, message, param);

    public static DomainException Declined(string declineCode, string message) =>
        new(DomainErrorKind.Payment, "PAYMENT_DECLINED", message) { DeclineCode = declineCode };
}

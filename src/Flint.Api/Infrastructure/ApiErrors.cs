using System.Text.Json;
using Flint.Abstractions;
using Flint.Domain;

namespace Flint.Api.Infrastructure;

/// <summary>An error the transport layer itself raises (auth, body parsing, idempotency).</summary>
public sealed class ApiException(int status, string type, string code, string message, string? param = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Code { get; } = code;
    public string? Param { get; } = param;

    public static ApiException Invalid(string code, string message, string? param = null) => new(400, "invalid_request", code, message, param);
    public static ApiException NotFound(string message = "No such object.") => new(404, "not_found", "RESOURCE_NOT_FOUND", message);
    public static ApiException Unauthenticated(string code, string message) => new(401, "authentication", code, message);
}

public sealed record ErrorBody(string Type, string Code, string Message, string? Param)
{
    /// <summary>Only on declined payments (402): the processor's reason, e.g. insufficient_funds.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? DeclineCode { get; init; }
}
public sealed record ErrorEnvelope(ErrorBody Error, string RequestId);
public sealed record DataEnvelope<T>(T Data, string RequestId);
public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, string? NextPageToken, string RequestId);

/// <summary>The one mapping from exceptions to the error envelope.</summary>
public static class ErrorMapper
{
    public static (int Status, ErrorBody Body)? Map(Exception e) => e switch
    {
        ApiException a => (a.Status, new ErrorBody(a.Type, a.Code, a.Message, a.Param)),
        DomainException d => FromKind(d.Kind, d.Code, d.Message, d.Param, d.DeclineCode),
        FlintException f => FromKind(f.Kind, f.Code, f.Message, f.Param, f.DeclineCode),
        BadHttpRequestException b when b.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            (413, new ErrorBody("invalid_request", "REQUEST_TOO_LARGE", "The request body is too large.", null)),
        BadHttpRequestException b => (400, new ErrorBody("invalid_request", "BAD_REQUEST", b.Message, null)),
        // A silo died or is shutting down under this call: nothing is known to have happened, so retry (not cached).
        Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.SiloUnavailableException or TimeoutException =>
            (503, new ErrorBody("internal", "SERVICE_UNAVAILABLE", "The cluster is rebalancing; retry the request (with the same Idempotency-Key).", null)),
        _ => null,
    };

    private static (int, ErrorBody) FromKind(DomainErrorKind kind, string code, string message, string? param, string? declineCode = null) => kind switch
    {
        DomainErrorKind.NotFound => (404, new ErrorBody("not_found", code, message, param)),
        DomainErrorKind.Conflict => (409, new ErrorBody("conflict", code, message, param)),
        DomainErrorKind.Payment => (402, new ErrorBody("payment", code, message, param) { DeclineCode = declineCode }),
        _ => (400, new ErrorBody("invalid_request", code, message, param)),
    };

    /// <summary>Answers that only say "not now": the idempotency layer does not keep them, so a retry with the same
    /// key gets a real answer once the order is free again.</summary>
    private static readonly HashSet<string> RetryableCodes = ["PAYMENT_IN_PROGRESS"];

    public static bool IsRetryable(HttpContext ctx) => ctx.Items["flint.retryable"] is true;

    public static Task Write(HttpContext ctx, int status, ErrorBody body)
    {
        if (RetryableCodes.Contains(body.Code)) ctx.Items["flint.retryable"] = true;
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(new ErrorEnvelope(body, RequestIds.Of(ctx)), FlintJson.Options));
    }
}

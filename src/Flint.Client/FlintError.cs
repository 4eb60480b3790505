namespace Flint.Client;

/// <summary>An error answer of the API (its envelope: type, code, message, param, request id), or a request that could
/// not be sent after its retries (<see cref="StatusCode"/> 0, type <c>connection</c>).</summary>
public sealed class FlintError(int statusCode, string type, string code, string message, string? param, string? requestId, string? declineCode = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    /// <summary>invalid_request | authentication | not_found | conflict | payment | rate_limit | internal | connection</summary>
    public string Type { get; } = type;
    /// <summary>What a program branches on: RESOURCE_NOT_FOUND, VERSION_MISMATCH, PAYMENT_DECLINED, …</summary>
    public string Code { get; } = code;
    public string? Param { get; } = param;
    public string? RequestId { get; } = requestId;
    public string? DeclineCode { get; } = declineCode;

    public override string ToString() => $"{StatusCode} {Type} {Code}{(Param is null ? "" : $" ({Param})")}: {Message} [request {RequestId}]";
}

using Flint.Abstractions;

namespace Flint.Api.Infrastructure;

public static class EndpointConventions
{
    /// <summary>Declares the request and response shapes for the OpenAPI document (handlers read bodies strictly
    /// themselves so every parse error gets Flint's envelope).</summary>
    public static RouteHandlerBuilder Doc<TRequest, TResponse>(this RouteHandlerBuilder b, int status = 200) where TRequest : notnull =>
        b.Accepts<TRequest>("application/json").Doc<TResponse>(status);

    /// <summary>Like <see cref="Doc{TRequest, TResponse}"/> for a body that may be left out (read with optional: true).</summary>
    public static RouteHandlerBuilder DocOptionalBody<TRequest, TResponse>(this RouteHandlerBuilder b, int status = 200) where TRequest : notnull =>
        b.Accepts<TRequest>(isOptional: true, "application/json").Doc<TResponse>(status);

    public static RouteHandlerBuilder Doc<TResponse>(this RouteHandlerBuilder b, int status = 200) =>
        b.Produces<DataEnvelope<TResponse>>(status)
         .Produces<ErrorEnvelope>(400).Produces<ErrorEnvelope>(401).Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);

    public static RouteHandlerBuilder DocList<TItem>(this RouteHandlerBuilder b) =>
        b.Produces<ListEnvelope<TItem>>(200).Produces<ErrorEnvelope>(400).Produces<ErrorEnvelope>(401);

    public static T Grain<T>(this IGrainFactory grains, HttpContext ctx, string objectId) where T : IGrainWithStringKey =>
        grains.GetGrain<T>(Authentication.TenantOf(ctx).GrainKey(objectId));
}

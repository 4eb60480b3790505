namespace Flint.Api.Infrastructure;

/// <summary>Every request gets an id, echoed in X-Request-Id, in the body, and in every log line's scope.</summary>
public static class RequestIds
{
    private const string Key = "flint.request_id";

    public static string Of(HttpContext ctx) => ctx.Items[Key] as string ?? "";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var id = Guid.NewGuid().ToString();
        ctx.Items[Key] = id;
        ctx.TraceIdentifier = id;
        ctx.Response.OnStarting(() =>
        {
            if (!ctx.Response.Headers.ContainsKey("X-Request-Id")) ctx.Response.Headers["X-Request-Id"] = id;
            return Task.CompletedTask;
        });
        var logger = ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Flint.Requests");
        using (logger.BeginScope(new Dictionary<string, object> { ["request_id"] = id }))
        {
            await next(ctx);
        }
    });
}

namespace Flint.Api.Infrastructure;

/// <summary>Turns known exceptions into the error envelope; anything else is a bug: logged, 500, not cached.</summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseFlintErrors(this IApplicationBuilder app) => app.Use((ctx, next) => Run(ctx, next));

    public static async Task Run(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            if (e is OperationCanceledException && ctx.RequestAborted.IsCancellationRequested) return;
            var mapped = ErrorMapper.Map(e);
            if (mapped is { } m)
            {
                ctx.Response.Clear();
                if (m.Status == 503) ctx.Response.Headers.RetryAfter = "1";
                await ErrorMapper.Write(ctx, m.Status, m.Body);
                return;
            }
            ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Flint.Errors")
                .LogError(e, "Unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            ctx.Response.Clear();
            await ErrorMapper.Write(ctx, 500, new ErrorBody("internal", "INTERNAL_ERROR", "Something went wrong on our side; it is safe to retry.", null));
        }
    }
}

namespace Flint.Api.Infrastructure;

/// <summary>
/// Query strings are read by each handler, and several values go to PostgreSQL as filter parameters; PostgreSQL text
/// cannot hold a NUL character, so one would surface as a 500. No query value of the API takes control characters:
/// any (percent-encoded) one is refused here, for every /v1 endpoint at once, with 400 INVALID_FIELD naming the parameter.
/// </summary>
public static class QueryStrings
{
    public static IApplicationBuilder UseQueryStringChecks(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        if (ctx.Request.Path.StartsWithSegments("/v1") && ctx.Request.QueryString.HasValue)
        {
            foreach (var (name, values) in ctx.Request.Query)
            {
                if (HasControl(name))
                    throw ApiException.Invalid("INVALID_FIELD", "A query parameter name contains a control character.");
                foreach (var value in values)
                    if (value is not null && HasControl(value))
                        throw ApiException.Invalid("INVALID_FIELD", $"{name} contains a control character.", name);
            }
        }
        return next(ctx);
    });

    private static bool HasControl(string s)
    {
        foreach (var c in s)
            if (char.IsControl(c)) return true;
        return false;
    }
}

using Flint.Abstractions.Tax;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Tax;

public static class TaxRateEndpoints
{
    public static void MapTaxRateEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapGroup("/tax-rates").WithTags("Tax rates");

        g.MapPost("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<TaxRateRequest>(ctx);
            return Responses.Ok(ctx, await Rates(grains, ctx).Create(FlintId.New(IdPrefix.Tax), body), 201);
        }).Doc<TaxRateRequest, TaxRateView>(201);

        // All of a merchant's rates live in one grain, which pages them itself (newest first).
        g.MapGet("", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var query = ctx.Request.Query;
            var size = PageSize.Parse(query["page_size"].ToString() is { Length: > 0 } s ? s : null);
            var token = query["page_token"].ToString() is { Length: > 0 } t ? t : null;
            var status = query["status"].ToString() is { Length: > 0 } st ? st : null;
            var page = await Rates(grains, ctx).List(status, size, token);
            return Responses.List(ctx, page.Items, page.NextPageToken);
        }).DocList<TaxRateView>().Query([.. ApiQuery.Paging, ApiQuery.Status("active", "inactive", "deleted")]).WithSummary("Tax rates, newest first; deleted ones only with status=deleted.");

        g.MapGet("/{tax_rate_id}", async (HttpContext ctx, IGrainFactory grains, string tax_rate_id) =>
            Responses.Ok(ctx, await Rates(grains, ctx).Get(Responses.PathId(tax_rate_id, IdPrefix.Tax)))).Doc<TaxRateView>();

        g.MapPatch("/{tax_rate_id}", async (HttpContext ctx, IGrainFactory grains, string tax_rate_id) =>
        {
            var id = Responses.PathId(tax_rate_id, IdPrefix.Tax);
            return Responses.Ok(ctx, await Rates(grains, ctx).Update(id, await JsonBody.Read<TaxRateRequest>(ctx)));
        }).Doc<TaxRateRequest, TaxRateView>();

        g.MapDelete("/{tax_rate_id}", async (HttpContext ctx, IGrainFactory grains, string tax_rate_id) =>
            Responses.Ok(ctx, await Rates(grains, ctx).Delete(Responses.PathId(tax_rate_id, IdPrefix.Tax)))).Doc<TaxRateView>();
    }

    private static ITaxRatesGrain Rates(IGrainFactory grains, HttpContext ctx) => grains.Grain<ITaxRatesGrain>(ctx, ITaxRatesGrain.Key);
}

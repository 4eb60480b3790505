using Flint.Abstractions.Merchants;
using Flint.Api.Infrastructure;

namespace Flint.Api.Merchants;

public static class SettingsEndpoints
{
    public static void MapSettingsEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/settings", async (HttpContext ctx, IGrainFactory grains) =>
            Responses.Ok(ctx, await grains.Grain<IMerchantSettingsGrain>(ctx, IMerchantSettingsGrain.Key).Get()))
          .Doc<MerchantSettingsView>().WithTags("Settings");

        v1.MapPatch("/settings", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<MerchantSettingsRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IMerchantSettingsGrain>(ctx, IMerchantSettingsGrain.Key).Update(body));
        }).Doc<MerchantSettingsRequest, MerchantSettingsView>().WithTags("Settings")
          .WithSummary("Merchant settings for this environment, e.g. allow_price_override for catalog order lines, and the dunning schedule of subscriptions.");
    }
}

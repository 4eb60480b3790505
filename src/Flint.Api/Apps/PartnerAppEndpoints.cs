using Flint.Abstractions;
using Flint.Abstractions.Apps;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Persistence.Lists;

namespace Flint.Api.Apps;

/// <summary><c>/v1/partner-apps</c> (a developer merchant's apps) and <c>/v1/installations</c> (the apps a merchant
/// installed): the merchant's own secret keys only.</summary>
public static class PartnerAppEndpoints
{
    internal static readonly ObjectKind Apps = new("/partner-apps", "Partner apps", IdPrefix.PartnerApp, "partner_app_id");
    internal static readonly ObjectKind Installations = new("/installations", "Installations", IdPrefix.Installation, "installation_id");

    public static void MapPartnerAppEndpoints(this IEndpointRouteBuilder v1)
    {
        var g = v1.MapCatalogRoutes<IPartnerAppGrain, CreatePartnerAppRequest, UpdatePartnerAppRequest, PartnerAppView>(Apps,
            ObjectList.Catalog(l => l.PartnerApps, "List your partner apps (the client secret is never listed)."));
        g.MapChange(Apps, HttpMethods.Post, "/roll-secret", (IPartnerAppGrain a, EmptyRequest _) => a.RollSecret(), optionalBody: true)
         .WithSummary("A new client secret, shown in this answer only; the previous one keeps working beside it for 24 hours.");
        g.MapChange(Apps, HttpMethods.Post, "/roll-webhook-secret", (IPartnerAppGrain a, EmptyRequest _) => a.RollWebhookSecret(), optionalBody: true)
         .WithSummary("A new webhook signing secret, shown in this answer only; the previous one keeps signing beside it for 24 hours.");

        var i = v1.MapGroup(Installations.Path).WithTags(Installations.Tag);
        string[] sorts = ["created_at", "updated_at"];
        i.MapGet("", async (HttpContext ctx, IObjectLists lists) =>
        {
            var query = ctx.Request.Query;
            var window = ListParameters.Window(query, sorts);
            var status = ListParameters.OneOf(query, "status", ["installed", "uninstalled"]);
            var page = await lists.Installations(Authentication.TenantOf(ctx), status, window, ctx.RequestAborted);
            return Responses.Objects(ctx, page.Items, page.NextPageToken, Installations.IdField);
        }).DocList<InstallationView>().Query([.. ApiQuery.Listing(sorts), ApiQuery.Status("installed", "uninstalled"), ApiQuery.Fields])
          .WithSummary("The apps installed on this environment (and those uninstalled), newest first.");
        i.MapGet(Installations.One, async (HttpContext ctx, IGrainFactory grains, string installation_id) =>
            Responses.Ok(ctx, await Installations.Grain<IInstallationGrain>(grains, ctx, installation_id).Get()))
          .Doc<InstallationView>();
        i.MapDelete(Installations.One, async (HttpContext ctx, IGrainFactory grains, string installation_id) =>
            Responses.Ok(ctx, await Installations.Grain<IInstallationGrain>(grains, ctx, installation_id).Uninstall()))
          .Doc<InstallationView>()
          .WithSummary("Uninstall: every token of the app stops working at once and its webhooks stop (app.uninstalled).");
    }
}

using System.Net;
using Flint.Abstractions;
using Flint.Api.Apps;
using Flint.Api.Catalog;
using Flint.Api.Checkout;
using Flint.Api.Coupons;
using Flint.Api.Customers;
using Flint.Api.Events;
using Flint.Api.Infrastructure;
using Flint.Api.Devices;
using Flint.Api.Locations;
using Flint.Api.Merchants;
using Flint.Api.Orders;
using Flint.Api.Payments;
using Flint.Api.Subscriptions;
using Flint.Api.Tax;
using Flint.Api.Users;
using Flint.Api.Webhooks;
using Flint.Grains.Common;
using Flint.Grains.Payments;
using Flint.Payments;
using Flint.Payments.Simulated;
using Flint.Payments.Stripe;
using Flint.Persistence;
using Flint.Persistence.DataProtection;
using Flint.Persistence.Schema;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace Flint.Api;

/// <summary>Builds the one Flint process: an Orleans silo on PostgreSQL that also serves the /v1 HTTP API.</summary>
public static class FlintHost
{
    /// <summary>Builds the host; the silo applies the schema when it starts (see <see cref="FlintStorage"/>).
    /// <paramref name="overrides"/> lets tests set configuration without touching the environment.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args, IDictionary<string, string?>? overrides = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        var settings = FlintSettings.From(builder.Configuration);
        // Before anything touches the database or the cluster: a second start on taken ports must change nothing.
        await PortGuard.EnsureFreeAsync(settings, ct);

        builder.WebHost.UseUrls(settings.Urls.Split(';', ','));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            o.UseUtcTimestamp = true;
        });

        builder.Services.AddSingleton(settings);
        builder.AddFlintTelemetry();
        builder.Services.AddFlintRateLimiting(settings);
        // The OpenAPI document describes bodies with the same JSON shape the endpoints read and write.
        // Numbers are JSON numbers only, as JsonBody reads them (the web default would document "12" as an integer).
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            FlintJson.Configure(o.SerializerOptions);
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MerchantStore>();
        builder.Services.AddSingleton<DeviceEndpoints.WrongPairingCodes>();
        builder.Services.AddSingleton<UserAccounts>();
        builder.Services.AddSingleton<IdempotencyOwners>();
        // Card processing: the simulated processor (test mode default, durable through grain state) and Stripe.
        builder.Services.AddSingleton<ISimulatedProcessorLedger, GrainSimulatedLedger>();
        builder.Services.AddSingleton(new StripeProcessorOptions(builder.Configuration["FLINT_STRIPE_API_BASE"],
            // Below Orleans' 30 s grain-call timeout, so a slow Stripe surfaces as a retryable failure, not a timeout.
            RequestTimeout: TimeSpan.FromSeconds(20)));
        builder.Services.AddSingleton<StripePaymentProcessor>();
        builder.Services.AddSingleton<SimulatedPaymentProcessor>();
        builder.Services.AddSingleton(sp => new PaymentProcessorRouter(
            sp.GetRequiredService<SimulatedPaymentProcessor>(), sp.GetRequiredService<StripePaymentProcessor>()));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Flint API";
            doc.Info.Description = "One commerce API where the order is the source of truth. Authenticate with 'Authorization: Bearer sk_test_…'.";
            return Task.CompletedTask;
        }).AddFlintSchemaRules().AddFlintSecurity());
        builder.Services.AddHostedService<PendingPaymentSweeper>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("ready", tags: ["ready"]);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            var advertised = settings.AdvertisedAddress();
            silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            // Schema, membership, reminders, grain storage and the typed queries the endpoints ask.
            silo.AddFlintStorage(settings.ConnectionString);
            // Only when set (tests): Orleans then warns that such short reminders are not for production.
            if (settings.ReminderMinimumPeriod is { } minimum)
                silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = minimum);
            silo.UseFlintLiveness();
            silo.AddIncomingGrainCallFilter<DomainErrorCallFilter>();
            silo.AddDashboard();
        });

        // The pages' services come after the silo on purpose: Data Protection's hosted service (registered by the first
        // AddAntiforgery/AddAuthentication/AddDataProtection call) loads the key ring as the host starts, from a table
        // the silo creates as it starts (the schema), so it must start after the silo's.
        // The hosted checkout page: where its links point. Every page's forms: antiforgery tokens (a cookie of their own).
        builder.Services.AddSingleton(new PublicUrls(builder.Configuration["FLINT_PUBLIC_URL"] is { Length: > 0 } publicUrl
            ? publicUrl : settings.Urls.Split(';', ',')[0]));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "flint_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.FormFieldName = "csrf";
        });
        // Dashboard users' sign-in cookie (read only by the pages that ask: see SignIn).
        builder.Services.AddFlintSignIn();
        // The keys behind antiforgery tokens and the sign-in cookie: one key ring for every silo, kept in PostgreSQL
        // (DataProtectionKeyTable), under one application name whatever directory a silo runs from.
        builder.Services.AddDataProtection().SetApplicationName("flint");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyTable>((o, keys) => o.XmlRepository = keys);

        var app = builder.Build();
        DashboardExportInterval.Apply(app.Services);
        app.UseRequestIds();
        app.UseFlintErrors();
        app.UseStatusCodePages(async status =>
        {
            var ctx = status.HttpContext;
            if (ctx.Response.StatusCode == 404 && ctx.Request.Path.StartsWithSegments("/v1"))
                await ErrorMapper.Write(ctx, 404, new ErrorBody("not_found", "RESOURCE_NOT_FOUND", "No such endpoint.", null));
            else if (ctx.Response.StatusCode == 415)
                await ErrorMapper.Write(ctx, 415, new ErrorBody("invalid_request", "UNSUPPORTED_MEDIA_TYPE", "Send the body as Content-Type: application/json.", null));
            else if (ctx.Response.StatusCode == 405)
                await ErrorMapper.Write(ctx, 405, new ErrorBody("invalid_request", "METHOD_NOT_ALLOWED", "This endpoint does not accept that method.", null));
        });
        app.UseOpsAuthorization();
        app.UseFlintAuthentication();
        app.UseFlintScopes();
        app.UseDeviceReach();
        // After authentication (the partition is the API key), before idempotency (a 429 is never stored as a replay).
        app.UseRateLimiter();
        app.UseQueryStringChecks();
        app.UseFlintIdempotency();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json").WithTitle("Flint API"));
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapFlintMetrics();
        app.MapHostedPageAssets();
        app.MapCheckoutPages();
        app.MapPaymentLinkPages();
        app.MapSignInPages();
        app.MapOAuthEndpoints();
        app.MapOAuthPages();

        var v1 = app.MapGroup("/v1");
        v1.MapMerchantEndpoints();
        v1.MapUserEndpoints();
        v1.MapPartnerAppEndpoints();
        v1.MapLocationEndpoints();
        v1.MapDeviceEndpoints();
        v1.MapTerminalCheckoutEndpoints();
        v1.MapProductEndpoints();
        v1.MapBundleEndpoints();
        v1.MapModifierSetEndpoints();
        v1.MapCatalogLookupEndpoints();
        v1.MapCustomerEndpoints();
        v1.MapTaxRateEndpoints();
        v1.MapCouponEndpoints();
        v1.MapPlanEndpoints();
        v1.MapSubscriptionEndpoints();
        v1.MapInvoiceEndpoints();
        v1.MapWebhookEndpoints();
        v1.MapCheckoutSessionEndpoints();
        v1.MapPaymentLinkEndpoints();
        v1.MapEventEndpoints();
        v1.MapSettingsEndpoints();
        v1.MapOrderEndpoints();
        v1.MapPaymentEndpoints();
        return app;
    }
}

/// <summary>Ready once the silo has started (the host reports started only after the silo joined the cluster)
/// and the database answers.</summary>
public sealed class ReadinessCheck(IHostApplicationLifetime lifetime, IDatabaseHealth database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested) return HealthCheckResult.Unhealthy("silo starting");
        if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("shutting down");
        try
        {
            await database.Ping(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}

/// <summary>The dashboard shows grain state and /ops/metrics the cluster's traffic, so they are for the operator only:
/// Bearer admin token, or HTTP Basic with the admin token as password (so a browser or a scraper can open them).</summary>
public static class OpsAuthorization
{
    public static IApplicationBuilder UseOpsAuthorization(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        if (!ctx.Request.Path.StartsWithSegments("/dashboard") && !ctx.Request.Path.StartsWithSegments("/ops"))
        {
            await next(ctx);
            return;
        }
        var token = ctx.RequestServices.GetRequiredService<FlintSettings>().AdminToken;
        var header = ctx.Request.Headers.Authorization.ToString();
        string? presented = Authentication.Bearer(ctx);
        if (presented is null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                presented = decoded[(decoded.IndexOf(':') + 1)..];
            }
            catch (FormatException) { }
        }
        if (token is null || presented is null || !Authentication.FixedTimeEquals(presented, token))
        {
            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"Flint operations\"";
            await ErrorMapper.Write(ctx, 401, new ErrorBody("authentication", "UNAUTHENTICATED", "The operations dashboard needs the admin token.", null));
            return;
        }
        await next(ctx);
    });
}

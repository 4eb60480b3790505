using Flint.Abstractions.Merchants;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Users;
using Flint.Persistence.Merchants;

namespace Flint.Api.Merchants;

public static class MerchantEndpoints
{
    public static void MapMerchantEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/merchants", async (HttpContext ctx, MerchantStore store) =>
        {
            var body = await JsonBody.Read<CreateMerchantRequest>(ctx);
            if (body.Name is null) throw ApiException.Invalid("MISSING_REQUIRED_FIELD", "name is required.", "name");
            Validation.RequireLength(body.Name, "name", 1, 255);
            (string, string)? owner = (body.Email, body.Password) switch
            {
                (null, null) => null,
                (_, null) => throw ApiException.Invalid("MISSING_REQUIRED_FIELD", "password is required with email (the owner's sign-in).", "password"),
                (null, _) => throw ApiException.Invalid("MISSING_REQUIRED_FIELD", "email is required with password (the owner's sign-in).", "email"),
                (string email, string password) => (UserRules.NormalizeEmail(email), UserRules.RequirePassword(password)),
            };
            var m = await store.CreateMerchant(body.Name, owner, ctx.RequestAborted);
            return Responses.Ok(ctx, new MerchantCreated(m.MerchantId, m.Name, m.CreatedAt, new MerchantKeys(m.Test.Secret, m.Live.Secret), m.Owner?.Id), 201);
        }).Doc<CreateMerchantRequest, MerchantCreated>(201).WithTags("Merchants")
          .WithSummary("Create a merchant (operator only: Bearer FLINT_ADMIN_TOKEN); returns its test and live secret keys once. " +
                       "With email and password (both or neither) also its owner, a dashboard user who signs in at /login.");

        v1.MapPost("/api-keys", async (HttpContext ctx, MerchantStore store) =>
        {
            var body = await JsonBody.Read<CreateApiKeyRequest>(ctx, optional: true);
            if (body.Name is not null) Validation.RequireLength(body.Name, "name", 1, 100);
            var key = await store.CreateKey(Authentication.TenantOf(ctx), body.Name, ctx.RequestAborted);
            return Responses.Ok(ctx, View(key.Key, key.Secret), 201);
        }).DocOptionalBody<CreateApiKeyRequest, ApiKeyView>(201).WithTags("API keys")
          .WithSummary("Roll a key: create a new secret key for the caller's merchant and environment (shown once). Revoke the old one with DELETE.");

        v1.MapGet("/api-keys", async (HttpContext ctx, MerchantStore store) =>
            Responses.List(ctx, (await store.ListKeys(Authentication.TenantOf(ctx), ctx.RequestAborted)).Select(k => View(k, null)), null))
          .DocList<ApiKeyView>().WithTags("API keys");

        v1.MapDelete("/api-keys/{api_key_id}", async (HttpContext ctx, MerchantStore store, string api_key_id) =>
        {
            var id = Responses.PathId(api_key_id, IdPrefix.ApiKey);
            var key = await store.Revoke(Authentication.TenantOf(ctx), id, ctx.RequestAborted) ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, View(key, null));
        }).Doc<ApiKeyView>().WithTags("API keys").WithSummary("Revoke a key; requests with it get 401 API_KEY_REVOKED.");
    }

    private static ApiKeyView View(ApiKeyRecord k, string? secret) =>
        new(k.Id, k.Environment, k.KeyPrefix, k.Name, k.CreatedAt, k.RevokedAt, secret);
}

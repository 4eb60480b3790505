using Flint.Abstractions.Users;
using Flint.Api.Infrastructure;
using Flint.Domain;
using Flint.Domain.Users;
using Flint.Persistence.Users;

namespace Flint.Api.Users;

/// <summary><c>/v1/users</c>: a merchant key (test or live: users are the merchant's, not an environment's) adds, lists and
/// removes the people who sign in to the merchant's pages (<see cref="SignInPages"/>).</summary>
public static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/users", async (HttpContext ctx, UserAccounts accounts) =>
        {
            var body = await JsonBody.Read<CreateUserRequest>(ctx);
            var email = UserRules.NormalizeEmail(body.Email);
            var password = UserRules.RequirePassword(body.Password);
            var user = await accounts.Add(Authentication.TenantOf(ctx).MerchantId, email, password, ctx.RequestAborted);
            return Responses.Ok(ctx, View(user), 201);
        }).Doc<CreateUserRequest, UserView>(201).WithTags("Users")
          .WithSummary("Add a dashboard user (email 3–254 characters, password 10–128); 409 EMAIL_TAKEN when an active user has the email.");

        v1.MapGet("/users", async (HttpContext ctx, UserAccounts accounts) =>
            Responses.List(ctx, (await accounts.List(Authentication.TenantOf(ctx).MerchantId, ctx.RequestAborted)).Select(View), null))
          .DocList<UserView>().WithTags("Users").WithSummary("The merchant's dashboard users, newest first.");

        v1.MapDelete("/users/{user_id}", async (HttpContext ctx, UserAccounts accounts, string user_id) =>
        {
            var id = Responses.PathId(user_id, IdPrefix.User);
            var user = await accounts.Remove(Authentication.TenantOf(ctx).MerchantId, id, ctx.RequestAborted) ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, new RemovedUserView(user.Id, user.Email, user.CreatedAt, user.RemovedAt!.Value));
        }).Doc<RemovedUserView>().WithTags("Users")
          .WithSummary("Remove a dashboard user: it can no longer sign in, its sessions stop working, and its email is free again.");
    }

    private static UserView View(UserRecord u) => new(u.Id, u.Email, u.CreatedAt);
}

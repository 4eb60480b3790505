using Flint.Abstractions.Subscriptions;
using Flint.Api.Infrastructure;
using Flint.Domain;

namespace Flint.Api.Subscriptions;

public static class PlanEndpoints
{
    public static void MapPlanEndpoints(this IEndpointRouteBuilder v1) =>
        v1.MapCatalogRoutes<IPlanGrain, CreatePlanRequest, UpdatePlanRequest, PlanView>(
            new("/plans", "Plans", IdPrefix.Plan, "plan_id"), ObjectList.Catalog(lists => lists.Plans));
}

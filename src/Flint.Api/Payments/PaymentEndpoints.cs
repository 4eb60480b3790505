using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Abstractions.Customers;
using Flint.Abstractions.Merchants;
using Flint.Abstractions.Orders;
using Flint.Abstractions.Payments;
using Flint.Api.Customers;
using Flint.Api.Devices;
using Flint.Api.Infrastructure;
using Flint.Api.Orders;
using Flint.Domain;
using Flint.Persistence.Lists;
using Flint.Persistence.Payments;

namespace Flint.Api.Payments;

public static class PaymentEndpoints
{
    public static void MapPaymentEndpoints(this IEndpointRouteBuilder v1)
    {
        v1.MapPost("/orders/{order_id}/pay", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var grain = OrderEndpoints.Orders.Grain<IOrderGrain>(grains, ctx, order_id);
            var body = await JsonBody.Read<PayOrderRequest>(ctx);
            return Responses.Ok(ctx, await grain.Pay(body, new PayAttempt(Idempotency.KeyOf(ctx))));
        }).Doc<PayOrderRequest, PayOrderResult>().Produces<ErrorEnvelope>(402).WithTags("Payments")
          .WithSummary("Pay the order's balance (or part of it): stock and coupons are taken and the card charged, all or nothing.");

        v1.MapPost("/orders/{order_id}/refunds", async (HttpContext ctx, IGrainFactory grains, string order_id) =>
        {
            var grain = OrderEndpoints.Orders.Grain<IOrderGrain>(grains, ctx, order_id);
            return Responses.Ok(ctx, await grain.Refund(await JsonBody.Read<CreateRefundRequest>(ctx)), 201);
        }).Doc<CreateRefundRequest, RefundOrderResult>(201).WithTags("Refunds")
          .WithSummary("Refund part or all of what was paid; tax comes back proportionally, optionally restocking lines.");

        v1.MapGet("/payments/{payment_id}", async (HttpContext ctx, IGrainFactory grains, IPaymentIndex payments, string payment_id) =>
        {
            var id = Responses.PathId(payment_id, IdPrefix.Payment);
            var orderId = await payments.OrderOfPayment(Authentication.TenantOf(ctx), id, ctx.RequestAborted) ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, await grains.Grain<IOrderGrain>(ctx, orderId).GetPayment(id));
        }).Doc<PaymentView>().WithTags("Payments");

        v1.MapGet("/payments", (HttpContext ctx, IObjectLists lists) => List(ctx, lists.Payments, "payment_id", ["pending", "succeeded", "failed", "partially_refunded", "refunded"]))
          .DocList<PaymentView>().Query(ListParams("pending", "succeeded", "failed", "partially_refunded", "refunded")).WithTags("Payments").WithSummary("List payments: order_id, customer_id, status, created range.");

        v1.MapGet("/refunds/{refund_id}", async (HttpContext ctx, IGrainFactory grains, IPaymentIndex payments, string refund_id) =>
        {
            var id = Responses.PathId(refund_id, IdPrefix.Refund);
            var orderId = await payments.OrderOfRefund(Authentication.TenantOf(ctx), id, ctx.RequestAborted) ?? throw ApiException.NotFound();
            return Responses.Ok(ctx, await grains.Grain<IOrderGrain>(ctx, orderId).GetRefund(id));
        }).Doc<RefundView>().WithTags("Refunds");

        v1.MapGet("/refunds", (HttpContext ctx, IObjectLists lists) => List(ctx, lists.Refunds, "refund_id", ["pending", "succeeded", "failed"]))
          .DocList<RefundView>().Query(ListParams("pending", "succeeded", "failed")).WithTags("Refunds").WithSummary("List refunds: order_id, customer_id, status, created range.");

        var methods = v1.MapGroup("/customers/{customer_id}/payment-methods").WithTags("Customers");
        methods.MapPost("", async (HttpContext ctx, IGrainFactory grains, string customer_id) =>
        {
            var grain = CustomerEndpoints.Customers.Grain<ICustomerGrain>(grains, ctx, customer_id);
            return Responses.Ok(ctx, await grain.AddPaymentMethod(await JsonBody.Read<AddPaymentMethodRequest>(ctx)), 201);
        }).Doc<AddPaymentMethodRequest, CustomerPaymentMethodView>(201).WithSummary("Save a card token as a reusable payment method.");
        methods.MapGet("", async (HttpContext ctx, IGrainFactory grains, string customer_id) =>
            Responses.List(ctx, await CustomerEndpoints.Customers.Grain<ICustomerGrain>(grains, ctx, customer_id).ListPaymentMethods(), null))
          .DocList<CustomerPaymentMethodView>();
        methods.MapDelete("/{payment_method_id}", async (HttpContext ctx, IGrainFactory grains, string customer_id, string payment_method_id) =>
            Responses.Ok(ctx, await CustomerEndpoints.Customers.Grain<ICustomerGrain>(grains, ctx, customer_id)
                .RemovePaymentMethod(Responses.PathId(payment_method_id, IdPrefix.CustomerPaymentMethod))))
          .Doc<CustomerPaymentMethodView>();

        v1.MapPut("/settings/payments", async (HttpContext ctx, IGrainFactory grains) =>
        {
            var body = await JsonBody.Read<PaymentSettingsRequest>(ctx);
            return Responses.Ok(ctx, await grains.Grain<IMerchantSettingsGrain>(ctx, IMerchantSettingsGrain.Key).UpdatePayments(body));
        }).Doc<PaymentSettingsRequest, MerchantSettingsView>().WithTags("Settings")
          .WithSummary("Configure Stripe: the secret key (write-only: never returned) and the publishable key (the hosted page's card element). \"\" removes one.");
    }

    private static QueryParam[] ListParams(params string[] statuses) =>
        [.. ApiQuery.Listing("created_at", "updated_at"), ApiQuery.Status(statuses),
         ApiQuery.Text("order_id", "Only those of this order."), ApiQuery.Text("customer_id", "Only those of this customer."),
         DeviceReach.LocationQuery("Only those a paired device took (or gave back) at this location."), ApiQuery.Fields];

    private delegate Task<Page<JsonObject>> PaymentList(Tenant tenant, PaymentListFilter filter, ListWindow window, CancellationToken ct);

    private static async Task<IResult> List(HttpContext ctx, PaymentList list, string idField, string[] statuses)
    {
        var query = ctx.Request.Query;
        var window = ListParameters.Window(query, allowedSorts: ["created_at", "updated_at"]);
        var status = ListParameters.OneOf(query, "status", statuses);
        var filter = new PaymentListFilter(status, ListParameters.Text(query, "order_id"), ListParameters.Text(query, "customer_id"), DeviceReach.ListLocation(ctx));
        var page = await list(Authentication.TenantOf(ctx), filter, window, ctx.RequestAborted);
        return Responses.Objects(ctx, page.Items, page.NextPageToken, idField);
    }
}

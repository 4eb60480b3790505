using System.Text.Json.Nodes;
using Flint.Abstractions;
using Flint.Domain.Inventory;
using Flint.Domain.Orders;
using Flint.Grains.Inventory;
using Flint.Grains.Orders;
using Flint.Grains.Tests.Support;

namespace Flint.Grains.Tests;

/// <summary>
/// Grain state is stored as JSON by the host's serializer (System.Text.Json with FlintJson's options). Statuses used to
/// be strings in the state classes and are enums now: a state written with the strings must still load, and what is
/// written now must carry the very same strings.
/// </summary>
public sealed class StoredStateTests
{
    // An order as stored before statuses were enums: paid by a card and cash, half refunded, one declined attempt,
    // one refund that failed, and a second refund still in flight.
    private const string StoredOrder = """
        {
          "status": "partially_refunded",
          "currency": "USD",
          "customer_id": null,
          "source": "api",
          "location_id": null,
          "tax_location": null,
          "lines": [],
          "discounts": [],
          "tax_rates": [],
          "tip_minor": 0,
          "paid_minor": 5000,
          "refunded_minor": 1000,
          "metadata": {},
          "created_at": "2026-11-23T09:15:00.123Z",
          "updated_at": "2026-11-23T09:16:00.456Z",
          "payments": [
            { "payment_id": "pay_1", "source_type": "card", "token": null, "amount_minor": 3000, "tip_minor": 0,
              "status": "partially_refunded", "decline_code": null, "refunded_minor": 1000, "revision": 3,
              "created_at": "2026-11-23T09:15:30.000Z", "updated_at": "2026-11-23T09:16:00.456Z", "idempotency_key": "checkout-7" },
            { "payment_id": "pay_2", "source_type": "cash", "amount_minor": 2000, "status": "succeeded", "revision": 2,
              "created_at": "2026-11-23T09:15:30.000Z", "updated_at": "2026-11-23T09:15:31.000Z" },
            { "payment_id": "pay_3", "source_type": "card", "amount_minor": 5000, "status": "failed", "decline_code": "card_declined",
              "created_at": "2026-11-23T09:15:00.500Z", "updated_at": "2026-11-23T09:15:01.000Z" },
            { "payment_id": "pay_4", "source_type": "card", "amount_minor": 10, "status": "refunded", "refunded_minor": 10,
              "created_at": "2026-11-23T09:15:00.500Z", "updated_at": "2026-11-23T09:15:01.000Z" }
          ],
          "refunds": [
            { "refund_id": "ref_1", "amount_minor": 1000, "tax_minor": 0, "status": "succeeded", "allocations": [], "restock": [],
              "created_at": "2026-11-23T09:16:00.000Z", "updated_at": "2026-11-23T09:16:00.456Z", "revision": 2 },
            { "refund_id": "ref_2", "amount_minor": 500, "status": "failed", "failure_message": "refused",
              "created_at": "2026-11-23T09:16:10.000Z", "updated_at": "2026-11-23T09:16:11.000Z" },
            { "refund_id": "ref_3", "amount_minor": 500, "status": "pending",
              "created_at": "2026-11-23T09:16:20.000Z", "updated_at": "2026-11-23T09:16:20.000Z" }
          ],
          "pending_pay": null,
          "pending_refund": { "refund_id": "ref_3" },
          "stock_committed": true,
          "restocked": {},
          "version": 4
        }
        """;

    [Theory]
    [InlineData("open", OrderStatus.Open)]
    [InlineData("partially_paid", OrderStatus.PartiallyPaid)]
    [InlineData("paid", OrderStatus.Paid)]
    [InlineData("partially_refunded", OrderStatus.PartiallyRefunded)]
    [InlineData("refunded", OrderStatus.Refunded)]
    [InlineData("canceled", OrderStatus.Canceled)]
    public void An_order_stored_with_its_status_as_a_string_loads_with_that_status_and_is_written_back_with_the_same_string(string stored, OrderStatus expected)
    {
        var json = JsonNode.Parse(StoredOrder)!;
        json["status"] = stored;

        var order = Load<OrderState>(json);

        Assert.Equal(expected, order.Status);
        Assert.Equal(stored, Written(order)["status"]!.GetValue<string>());
    }

    [Fact]
    public void Payment_and_refund_statuses_stored_as_strings_load_as_the_same_statuses_and_are_written_back_unchanged()
    {
        var order = Load<OrderState>(JsonNode.Parse(StoredOrder)!);

        Assert.Equal(
            [PaymentStatus.PartiallyRefunded, PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Refunded],
            order.Payments.Select(p => p.Status));
        Assert.Equal([RefundStatus.Succeeded, RefundStatus.Failed, RefundStatus.Pending], order.Refunds.Select(r => r.Status));
        Assert.Equal(("checkout-7", 3L, 1000L), (order.Payments[0].IdempotencyKey, order.Payments[0].Revision, order.Payments[0].RefundedMinor));
        Assert.Equal("ref_3", order.PendingRefund?.RefundId);

        var written = Written(order);
        Assert.Equal(["partially_refunded", "succeeded", "failed", "refunded"], written["payments"]!.AsArray().Select(p => p!["status"]!.GetValue<string>()));
        Assert.Equal(["succeeded", "failed", "pending"], written["refunds"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()));
    }

    [Fact]
    public void An_order_stored_with_its_tax_location_line_modifiers_discounts_and_tax_rates_loads_them_and_writes_them_back_unchanged()
    {
        const string stored = """
            {
              "status": "open", "currency": "USD", "customer_id": "cus_1", "source": "pos", "location_id": "loc_1",
              "tax_location": { "country": "US", "region": "CA", "postal_code": "94103" },
              "lines": [
                { "line_item_id": "li_1", "item_type": "variant", "product_id": "prod_1", "variant_id": "var_1", "bundle_id": null,
                  "name": "Latte (Large)", "sku": "LAT-L", "quantity": 2, "base_price_money": { "amount": 450, "currency": "USD" },
                  "modifiers": [
                    { "modifier_option_id": "mopt_1", "modifier_set_id": "mset_1", "name": "Oat", "price_adjustment_money": { "amount": 50, "currency": "USD" } },
                    { "modifier_option_id": "mopt_2", "modifier_set_id": "mset_2", "name": "No lid", "price_adjustment_money": { "amount": -5, "currency": "USD" } }
                  ],
                  "tax_category": "prepared_food", "taxable": true, "categories": ["drinks"], "note": "hot",
                  "components": [], "modifier_set_ids": ["mset_1", "mset_2"] }
              ],
              "discounts": [
                { "discount_id": "disc_1", "name": "SPRING20", "type": "percentage", "percentage": "20", "amount_minor": null,
                  "line_item_ids": null, "source": "coupon", "coupon_id": "cpn_1", "coupon_code": "SPRING20", "stackable": false,
                  "applies_to_product_ids": ["prod_1"], "applies_to_categories": [], "minimum_subtotal_minor": 500 }
              ],
              "tax_rates": [ { "tax_rate_id": "tax_1", "name": "Sales tax", "percentage": "8.625", "inclusion": "additive", "tax_categories": [] } ],
              "tip_minor": 0, "paid_minor": 0, "refunded_minor": 0, "metadata": { "table": "4" },
              "created_at": "2026-11-23T09:15:00.123Z", "updated_at": "2026-11-23T09:16:00.456Z",
              "payments": [], "refunds": [], "pending_pay": null, "pending_refund": null, "stock_committed": false, "restocked": {},
              "version": 3
            }
            """;

        var order = Load<OrderState>(JsonNode.Parse(stored)!);

        Assert.Equal(("US", "CA", "94103"), (order.TaxLocation!.Country, order.TaxLocation.Region, order.TaxLocation.PostalCode));
        Assert.Equal(
            [("mopt_1", "mset_1", "Oat", 50L), ("mopt_2", "mset_2", "No lid", -5L)],
            order.Lines.Single().Modifiers.Select(m => (m.ModifierOptionId, m.ModifierSetId, m.Name, m.PriceAdjustmentMoney.Amount)));
        Assert.Equal("SPRING20", order.Discounts.Single().CouponCode);
        Assert.Equal("8.625", order.TaxRates.Single().Percentage);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored), Written(order)), Written(order).ToJsonString());
    }

    [Fact]
    public void A_new_payment_and_refund_are_written_pending_as_before()
    {
        var written = Written(new OrderState { Payments = [new PaymentState { PaymentId = "pay_1" }], Refunds = [new RefundState { RefundId = "ref_1" }] });

        Assert.Equal("open", written["status"]!.GetValue<string>());
        Assert.Equal("pending", written["payments"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("pending", written["refunds"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Finished_reservations_stored_with_their_outcome_as_a_string_load_and_are_written_back_unchanged()
    {
        // Released and expired reservations were stored too while holds were durable (before they moved to memory).
        const string stored = """
            {
              "product_id": "prod_1", "on_hand": 7, "enforce_limit": true, "sellable": true, "reservations": {},
              "finished": {
                "ord_1:pay_1": { "outcome": "committed", "quantity": 2, "at": "2026-11-23T09:15:00.000Z" },
                "ord_2:pay_2": { "outcome": "released", "quantity": 1, "at": "2026-11-23T09:15:01.000Z" },
                "ord_3:pay_3": { "outcome": "expired", "quantity": 3, "at": "2026-11-23T09:15:02.000Z" }
              },
              "history": [], "updated_at": "2026-11-23T09:15:02.000Z", "applied_changes": {}, "version": 5
            }
            """;

        var inventory = Load<InventoryState>(JsonNode.Parse(stored)!);

        Assert.Equal(
            [ReservationOutcome.Committed, ReservationOutcome.Released, ReservationOutcome.Expired],
            inventory.Finished.Values.Select(f => f.Outcome));
        Assert.Equal(
            ["committed", "released", "expired"],
            Written(inventory)["finished"]!.AsObject().Select(f => f.Value!["outcome"]!.GetValue<string>()));
    }

    /// <summary>Read by the serializer exactly as the host configures it (<see cref="StoredJson"/>).</summary>
    private static T Load<T>(JsonNode json) => StoredJson.Load<T>(json.ToJsonString());

    private static JsonNode Written<T>(T state) => JsonNode.Parse(StoredJson.Of(state))!;
}

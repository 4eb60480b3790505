using Flint.Abstractions;
using Flint.Abstractions.Payments;
using Flint.Domain;

namespace Flint.Grains.Orders;

/// <summary>
/// An order's payments and refunds as the outside sees them. They live in the order's state, so reading one asks the
/// order; their list rows (kinds <c>payment</c> and <c>refund</c> in the projection table) ride on the order's own
/// writes, each versioned by the record's revision, so a payment is listed in the same transaction that changed it.
/// </summary>
public sealed partial class OrderGrain
{
    public Task<PaymentView> GetPayment(string paymentId)
    {
        EnsureExists();
        var p = State.Payments.FirstOrDefault(x => x.PaymentId == paymentId) ?? throw NotFound("payment");
        return Task.FromResult(PaymentViews.Of(State, ObjectId, p));
    }

    public Task<RefundView> GetRefund(string refundId)
    {
        EnsureExists();
        var r = State.Refunds.FirstOrDefault(x => x.RefundId == refundId) ?? throw NotFound("refund");
        return Task.FromResult(PaymentViews.Of(State, ObjectId, r));
    }

    private void SetPaymentProjections(OrderState s, IEnumerable<string> paymentIds)
    {
        foreach (var id in paymentIds.Distinct())
        {
            var p = s.Payments.First(x => x.PaymentId == id);
            SetRelatedProjection(s, PaymentProjection.Kind, id, ++p.Revision, SnakeCase.ToSnake(p.Status), p.CreatedAt, p.UpdatedAt, PaymentViews.Of(s, ObjectId, p), s.CustomerId);
        }
    }

    private void SetRefundProjection(OrderState s, string refundId)
    {
        var r = s.Refunds.First(x => x.RefundId == refundId);
        SetRelatedProjection(s, PaymentProjection.RefundKind, refundId, ++r.Revision, SnakeCase.ToSnake(r.Status), r.CreatedAt, r.UpdatedAt, PaymentViews.Of(s, ObjectId, r), s.CustomerId);
    }
}

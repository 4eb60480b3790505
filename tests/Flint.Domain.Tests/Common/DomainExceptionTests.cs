namespace Flint.Domain.Tests.Common;

public sealed class DomainExceptionTests
{
    [Fact]
    public void Invalid_carries_code_message_param_and_invalid_request_kind()
    {
        var error = DomainException.Invalid("INVALID_CURRENCY", "Use USD.", "price.currency");

        Assert.Equal("INVALID_CURRENCY", error.Code);
        Assert.Equal("Use USD.", error.Message);
        Assert.Equal("price.currency", error.Param);
        Assert.Equal(DomainErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public void Conflict_has_conflict_kind()
    {
        var error = DomainException.Conflict("INSUFFICIENT_INVENTORY", "Only 0 left.");

        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Null(error.Param);
    }

    [Fact]
    public void Not_found_is_always_RESOURCE_NOT_FOUND()
    {
        var error = DomainException.NotFound("No such order: ord_123.");

        Assert.Equal("RESOURCE_NOT_FOUND", error.Code);
        Assert.Equal(DomainErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void Payment_failure_has_payment_kind()
    {
        Assert.Equal(DomainErrorKind.Payment, DomainException.PaymentFailed("CARD_DECLINED", "Declined.").Kind);
    }
}

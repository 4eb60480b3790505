namespace Flint.Domain;

/// <summary>The prefix of each kind of object id, so an id says what it points to (<c>ord_01J…</c>).</summary>
public static class IdPrefix
{
    public const string Product = "prod";
    public const string Variant = "var";
    public const string Bundle = "bun";
    public const string BundleComponent = "bcmp";
    public const string ModifierSet = "mset";
    public const string ModifierOption = "mopt";
    public const string Order = "ord";
    public const string LineItem = "li";
    public const string Customer = "cus";
    public const string Coupon = "cpn";
    public const string Tax = "tax";
    public const string Payment = "pay";
    public const string Refund = "ref";
    public const string Event = "evt";
    public const string Merchant = "mer";
    public const string ApiKey = "key";
    public const string Reservation = "rsv";
    public const string InventoryChange = "invc";
    public const string Plan = "plan";
    public const string Subscription = "sub";
    public const string Invoice = "inv";
    public const string Discount = "dsc";
    public const string CustomerPaymentMethod = "cpm";
    public const string WebhookEndpoint = "we";
    public const string CheckoutSession = "cs";
    public const string PaymentLink = "plink";
    /// <summary>A partner app; its id is its OAuth client_id.</summary>
    public const string PartnerApp = "app";
    /// <summary>One app installed on one merchant's environment.</summary>
    public const string Installation = "inst";
    /// <summary>A store or other place where the merchant sells.</summary>
    public const string Location = "loc";
    /// <summary>A paired POS device (register, customer display).</summary>
    public const string Device = "dev";
    /// <summary>A payment sent to a paired device for the buyer to complete there.</summary>
    public const string TerminalCheckout = "tmc";
    public const string User = "usr";
}

namespace Flint.Abstractions;

/// <summary>
/// Who a call acts for — <c>api_key:key_…</c> (the merchant's own key) or <c>app:app_…</c> (a partner app's token) — carried
/// from the API into grain calls by Orleans' request context (and on into the calls those make), so an object created
/// in the call records it as its <c>created_by</c>. Work nobody asked for now (a reminder billing a subscription) has none.
/// </summary>
public static class Actors
{
    private const string Key = "flint.actor";

    public static string? Current => Orleans.Runtime.RequestContext.Get(Key) as string;

    public static void Set(string actor) => Orleans.Runtime.RequestContext.Set(Key, actor);
}

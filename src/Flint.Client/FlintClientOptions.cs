namespace Flint.Client;

public sealed class FlintClientOptions
{
    /// <summary>The secret key (sk_test_…, sk_live_…), an app's access token or a device token.</summary>
    public string ApiKey { get; set; } = "";
    /// <summary>Where Flint listens, e.g. http://127.0.0.1:5080.</summary>
    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:5080");
    /// <summary>Tries of one request in all (the first and its retries) on a network failure, 429 or 503.</summary>
    public int MaxAttempts { get; set; } = 4;
    /// <summary>The first retry's wait; each next one doubles (a 429's Retry-After wins when it says more).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}

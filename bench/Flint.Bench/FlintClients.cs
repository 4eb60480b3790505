using System.Diagnostics;
using Flint.Client;

namespace Flint.Bench;

/// <summary>
/// Flint's own .NET client for the bench's Flint-only calls (the run's merchant, the renewals setup): typed requests and
/// answers instead of hand-built JSON. Its handler spreads the calls over the target's URLs (the silos) round-robin and
/// counts them in the bench's <see cref="Stats"/>, as <see cref="ApiClient"/> does. The measured loops keep the lean
/// <see cref="ApiClient"/>: the same bytes to Flint and to the baseline (whose answers are not Flint's full objects), and
/// an Idempotency-Key only when the run asks for one.
/// </summary>
public static class FlintClients
{
    public static FlintClient Over(IReadOnlyList<string> urls, string key, Stats stats) =>
        new(new HttpClient(new Spread(urls, stats)) { Timeout = TimeSpan.FromSeconds(60) },
            new FlintClientOptions { ApiKey = key, BaseUrl = new Uri(urls[0]), MaxAttempts = 6, FirstRetryDelay = TimeSpan.FromMilliseconds(200) });

    /// <summary>A failed setup call as the bench reports it.</summary>
    public static async Task<T> Expect<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (FlintError e)
        {
            throw new BenchException($"{what} failed: {e.StatusCode} {e.Code} {e.Message} (request {e.RequestId})");
        }
    }

    private sealed class Spread(IReadOnlyList<string> urls, Stats stats) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _next;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var target = new Uri(urls[(int)((uint)Interlocked.Increment(ref _next) % (uint)urls.Count)].TrimEnd('/') + request.RequestUri!.PathAndQuery);
            request.RequestUri = target;
            var started = Stopwatch.GetTimestamp();
            try
            {
                var response = await base.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                stats.Request(Stopwatch.GetElapsedTime(started).TotalMilliseconds, status.ToString(System.Globalization.CultureInfo.InvariantCulture), response.IsSuccessStatusCode);
                return response;
            }
            catch (HttpRequestException)
            {
                stats.Request(Stopwatch.GetElapsedTime(started).TotalMilliseconds, "transport", false);
                throw;
            }
        }
    }
}

using System.Collections.Concurrent;

namespace Flint.Payments.Simulated;

/// <summary>
/// A process-local <see cref="ISimulatedProcessorLedger"/> for unit tests: thread-safe, gone with the
/// process. Keeping the same instance across two processor instances stands in for a restart.
/// </summary>
public sealed class InMemorySimulatedLedger : ISimulatedProcessorLedger
{
    private readonly ConcurrentDictionary<(string MerchantId, string Environment, string Key), SimulatedRecord> _records = new();

    public Task<SimulatedRecord> PutIfAbsent(ProcessorContext context, string key, SimulatedRecord record) =>
        Task.FromResult(_records.GetOrAdd((context.MerchantId, context.Environment, key), record));

    public Task<SimulatedRecord?> Get(ProcessorContext context, string key) =>
        Task.FromResult(_records.TryGetValue((context.MerchantId, context.Environment, key), out var record) ? record : null);

    /// <summary>Every record of one merchant environment, keyed as the processor stored them.</summary>
    public IReadOnlyDictionary<string, SimulatedRecord> RecordsOf(ProcessorContext context) =>
        _records.Where(r => r.Key.MerchantId == context.MerchantId && r.Key.Environment == context.Environment)
            .ToDictionary(r => r.Key.Key, r => r.Value);
}

namespace Flint.Persistence.Storage;


/// <summary>Counters of <see cref="FlintGrainStorage"/> since the silo started.</summary>
/// <param name="WritesSubmitted">State writes asked for.</param>
/// <param name="PendingWrites">Writes waiting for their batch to commit right now.</param>
/// <param name="WriteStatements">Write statements run (each one transaction): batches plus writes retried alone.</param>
/// <param name="LargestWriteBatch">Most writes flushed together.</param>
/// <param name="WritesRetriedAlone">Writes that were retried in a transaction of their own.</param>
/// <param name="ReadsSubmitted">State reads asked for.</param>
/// <param name="ReadStatements">Read statements run.</param>
public readonly record struct FlintGrainStorageStats(
    long WritesSubmitted, long PendingWrites, long WriteStatements, long LargestWriteBatch, long WritesRetriedAlone,
    long ReadsSubmitted, long ReadStatements);

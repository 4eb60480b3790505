using Flint.Abstractions;
using Flint.Grains.Common;
using Flint.Payments;
using Orleans.Serialization;

namespace Flint.Grains.Payments;

[GenerateSerializer, Alias("flint.payments.simulated_record_state")]
public sealed class SimulatedRecordState : ObjectState
{
    [Id(0)] public string? Kind { get; set; }
    [Id(1)] public string? Reference { get; set; }
    [Id(2)] public string? Outcome { get; set; }
    [Id(3)] public long AmountMinor { get; set; }
    [Id(4)] public string? Currency { get; set; }
    [Id(5)] public string? DeclineCode { get; set; }
    [Id(6)] public string? Message { get; set; }
    [Id(7)] public string? Brand { get; set; }
    [Id(8)] public string? Last4 { get; set; }
    [Id(9)] public string? ChargeReference { get; set; }
}

/// <summary>One record of the simulated processor (a charge, refund, attempt or saved card), keyed by tenant and
/// the processor-side key, kept in durable grain state so look-ups survive restarts like a real processor's.</summary>
public interface ISimulatedRecordGrain : IGrainWithStringKey
{
    Task<SimulatedRecord> PutIfAbsent(SimulatedRecord record);
    Task<SimulatedRecord?> Get();
}

/// <remarks>Its writes carry no projection, event or log row, so it is on Orleans' ADO.NET storage
/// (<see cref="StorageNames.Plain"/>, one transaction per write) rather than Flint's grouped one.</remarks>
public sealed class SimulatedRecordGrain(
    [PersistentState("simulated_processor", StorageNames.Plain)] IPersistentState<SimulatedRecordState> store,
    DeepCopier<SimulatedRecordState> copier,
    TimeProvider clock) : TenantGrain<SimulatedRecordState>(store, copier, clock), ISimulatedRecordGrain
{
    public async Task<SimulatedRecord> PutIfAbsent(SimulatedRecord record)
    {
        if (Exists) return ToRecord(State);
        return await Change(s =>
        {
            s.Kind = record.Kind;
            s.Reference = record.Reference;
            s.Outcome = record.Outcome;
            s.AmountMinor = record.AmountMinor;
            s.Currency = record.Currency;
            s.DeclineCode = record.DeclineCode;
            s.Message = record.Message;
            s.Brand = record.Brand;
            s.Last4 = record.Last4;
            s.ChargeReference = record.ChargeReference;
            return record;
        });
    }

    public Task<SimulatedRecord?> Get() => Task.FromResult(Exists ? ToRecord(State) : null);

    protected override ProjectionRecord? Project(SimulatedRecordState state) => null;

    private static SimulatedRecord ToRecord(SimulatedRecordState s) => new(
        s.Kind ?? "", s.Reference ?? "", s.Outcome ?? "", s.AmountMinor, s.Currency ?? "", s.DeclineCode, s.Message, s.Brand, s.Last4, s.ChargeReference);
}

/// <summary>The simulated processor's durable memory, over <see cref="ISimulatedRecordGrain"/>s.</summary>
public sealed class GrainSimulatedLedger(IGrainFactory grains) : ISimulatedProcessorLedger
{
    public Task<SimulatedRecord> PutIfAbsent(ProcessorContext context, string key, SimulatedRecord record) =>
        Grain(context, key).PutIfAbsent(record);

    public Task<SimulatedRecord?> Get(ProcessorContext context, string key) => Grain(context, key).Get();

    private ISimulatedRecordGrain Grain(ProcessorContext context, string key) =>
        grains.GetGrain<ISimulatedRecordGrain>(new Tenant(context.MerchantId, context.Environment).GrainKey("sim:" + key.Replace('/', '_')));
}

/// <summary>Lets Orleans carry the processor port's record type, which knows nothing of Orleans.</summary>
[GenerateSerializer, Alias("flint.payments.simulated_record"), Immutable]
public struct SimulatedRecordSurrogate
{
    [Id(0)] public string Kind;
    [Id(1)] public string Reference;
    [Id(2)] public string Outcome;
    [Id(3)] public long AmountMinor;
    [Id(4)] public string Currency;
    [Id(5)] public string? DeclineCode;
    [Id(6)] public string? Message;
    [Id(7)] public string? Brand;
    [Id(8)] public string? Last4;
    [Id(9)] public string? ChargeReference;
}

[RegisterConverter]
public sealed class SimulatedRecordSurrogateConverter : IConverter<SimulatedRecord, SimulatedRecordSurrogate>
{
    public SimulatedRecord ConvertFromSurrogate(in SimulatedRecordSurrogate s) =>
        new(s.Kind, s.Reference, s.Outcome, s.AmountMinor, s.Currency, s.DeclineCode, s.Message, s.Brand, s.Last4, s.ChargeReference);

    public SimulatedRecordSurrogate ConvertToSurrogate(in SimulatedRecord r) => new()
    {
        Kind = r.Kind, Reference = r.Reference, Outcome = r.Outcome, AmountMinor = r.AmountMinor, Currency = r.Currency,
        DeclineCode = r.DeclineCode, Message = r.Message, Brand = r.Brand, Last4 = r.Last4, ChargeReference = r.ChargeReference,
    };
}

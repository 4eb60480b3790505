using Orleans.Runtime;

namespace Flint.Api.Infrastructure;

/// <summary>
/// Who holds an in-flight Idempotency-Key: the silo that runs its request, named by its Orleans address with
/// generation (<c>127.0.0.1:11111@502712345</c>), so a silo restarted on the same ports is another owner. A retry that
/// finds the key in flight takes it over at once when the cluster has declared that silo dead (#13: before, it waited
/// 45 s for the record to age). Keeps "never two live executions of one key": a silo is declared dead only by a vote of
/// the others, and a silo so declared stops itself when it learns it, so its request cannot go on beside the retry.
/// </summary>
public sealed class IdempotencyOwners(ILocalSiloDetails local, IClusterMembershipService membership)
{
    /// <summary>This silo, as written into the keys it claims.</summary>
    public string Self { get; } = Name(local.SiloAddress);

    public static string Name(SiloAddress silo) => silo.ToParsableString();

    /// <summary>True only when this silo's view of the membership says <paramref name="owner"/> is dead. A silo it does
    /// not know (it joined a moment ago and the news has not arrived, or it left long ago and was forgotten) is not
    /// taken for dead: such a key waits for the age rule instead.</summary>
    public bool IsDead(string? owner)
    {
        if (owner is null) return false;
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(owner);
        }
        catch (FormatException)
        {
            return false;
        }
        // The silo's own entry, not ClusterMembershipSnapshot.GetSiloStatus: that one also calls unknown silos dead.
        return membership.CurrentSnapshot.Members.TryGetValue(silo, out var member) && member.Status == SiloStatus.Dead;
    }
}

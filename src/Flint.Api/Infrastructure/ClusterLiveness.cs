using Orleans.Configuration;

namespace Flint.Api.Infrastructure;

/// <summary>
/// How fast the cluster notices a dead silo (#13: a silo killed mid-sale must not hold its grains, its callers and its
/// buyers' idempotency keys for long). A silo is declared dead when enough others vote so; once it is, its grain
/// directory entries are dropped, calls waiting on it fail at once, the next call of each of its grains activates it
/// on a survivor (an order with a saga in flight resumes there on activation), and the idempotency keys it held are
/// taken over by the next retry (<see cref="IdempotencyOwners"/>).
/// </summary>
/// <remarks>
/// <para>Fast, but not jumpy: a false declaration kills a healthy silo (it learns it was declared dead and stops), and
/// this machine runs three silos, PostgreSQL, the load generator and test suites on two cores. So probes are tighter
/// than Orleans' defaults while every safeguard Orleans has against a slow-but-alive silo stays on (adaptive probe
/// timeouts, indirect probes, two votes, connection-liveness suppression, extension during local degradation).</para>
/// <para>A silo killed with <c>kill -9</c> refuses connections at once, so each probe fails quickly and detection is
/// about <see cref="MissedProbes"/> probe periods (1–2 s each here) plus one table write per vote: a few seconds instead
/// of ~8–15 s with the defaults. Measured in <c>bench/RESULTS.md</c> (chaos).</para>
/// </remarks>
public static class ClusterLiveness
{
    /// <summary>Initial probe timeout and period; Orleans adapts it per probed silo between half and four times this
    /// (1–8 s) from observed round trips, so a loaded but alive silo earns a longer timeout. Orleans' default is 5 s
    /// (2.5–20 s): a dead silo took three of those periods to suspect.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes before a silo votes (Orleans' default, kept): one lost probe is noise, three in a row are
    /// not. The last one goes through another silo (indirect probe) so a one-sided problem cannot vote alone.</summary>
    public const int MissedProbes = 3;

    /// <summary>Votes needed to declare a silo dead (Orleans' default, kept; Orleans asks for fewer only when fewer than
    /// three healthy silos remain).</summary>
    public const int VotesForDeath = 2;

    /// <summary>A vote older than this no longer counts (default 2 minutes). With probes this tight a real death
    /// gathers its votes within one round of probes (≤ 3 × 8 s at the longest adapted timeout); an older vote is a past
    /// hiccup, and two of those from different moments must not add up to the death of a silo that is alive.</summary>
    public static readonly TimeSpan DeathVoteExpiration = TimeSpan.FromSeconds(30);

    /// <summary>How often a silo writes "I am alive" to the membership table (default 30 s): its entry counts as stale
    /// after three missed writes (30 s instead of 90 s), after which a single survivor's vote suffices. One UPDATE per
    /// silo every 10 s.</summary>
    public static readonly TimeSpan IAmAlivePeriod = TimeSpan.FromSeconds(10);

    /// <summary>How often each silo re-reads the whole membership table (default 60 s). Deaths and joins spread by gossip
    /// at once; this is the fallback for a silo that missed the gossip. One small SELECT per silo every 15 s.</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(15);

    public static ISiloBuilder UseFlintLiveness(this ISiloBuilder silo) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.NumVotesForDeathDeclaration = VotesForDeath;
            o.DeathVoteExpirationTimeout = DeathVoteExpiration;
            o.IAmAliveTablePublishTimeout = IAmAlivePeriod;
            o.TableRefreshTimeout = TableRefresh;
            // Orleans' safeguards against declaring a slow silo dead, stated so an upgrade that changes a default is seen.
            o.EnableIndirectProbes = true;
            o.ExtendProbeTimeoutDuringDegradation = true;
            o.EnableConnectionLivenessCheck = true;
        });
}

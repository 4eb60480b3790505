using Flint.Abstractions;
using Flint.Domain;

namespace Flint.Grains.Common;

/// <summary>Domain code knows nothing of Orleans; this is where its errors become the serializable
/// <see cref="FlintException"/> that crosses the grain boundary intact.</summary>
public sealed class DomainErrorCallFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (DomainException e)
        {
            throw FlintException.From(e);
        }
    }
}

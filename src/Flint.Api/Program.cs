using Flint.Api;
using Flint.Api.Infrastructure;

try
{
    var app = await FlintHost.CreateAsync(args);
    await app.RunAsync();
    return 0;
}
catch (PortGuard.PortsInUseException e)
{
    // A duplicate start: say why and leave, without a stack trace and without having joined the cluster.
    await Console.Error.WriteLineAsync($"flint: {e.Message}");
    return 3;
}

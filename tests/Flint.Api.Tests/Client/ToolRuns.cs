using System.Diagnostics;
using Xunit.Abstractions;

namespace Flint.Api.Tests.Client;

/// <summary>Runs a tool (npm, dotnet) the way a developer would, its output in the test's log; fails with its output.</summary>
public static class ToolRuns
{
    public static async Task<string> Run(ITestOutputHelper output, string directory, string file, string[] args,
        IReadOnlyDictionary<string, string>? environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        var text = await stdout + await stderr;
        output.WriteLine($"$ {file} {string.Join(' ', args)}\n{text}");
        Assert.True(process.HasExited && process.ExitCode == 0,
            $"{file} {string.Join(' ', args)} failed ({(process.HasExited ? $"exit {process.ExitCode}" : "timed out")}):\n{(text.Length > 6000 ? text[^6000..] : text)}");
        return await stdout;
    }

    /// <summary>The dotnet executable running these tests (the one on PATH when the host is not dotnet itself).</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flint.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flint.sln not found above " + AppContext.BaseDirectory);
    }
}

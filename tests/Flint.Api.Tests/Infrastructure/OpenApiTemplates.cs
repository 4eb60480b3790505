using System.Text.RegularExpressions;

namespace Flint.Api.Tests.Infrastructure;

/// <summary>Which path template of the OpenAPI document a request path is.</summary>
public static class OpenApiTemplates
{
    /// <summary>The template <paramref name="path"/> fills (a {name} is one segment); the most literal one when several
    /// do (/v1/devices/me before /v1/devices/{device_id}); null for none.</summary>
    public static string? Of(string path, IEnumerable<string> templates) => templates
        .Where(t => Regex.IsMatch(path, "^" + Regex.Replace(Regex.Escape(t), @"\\\{[a-z_]+}", "[^/]+") + "$"))
        .OrderBy(t => t.Count(c => c == '{'))
        .FirstOrDefault();
}

using System.Text.Json.Nodes;

namespace Flint.Abstractions;

/// <summary>An event as <c>GET /v1/events</c> shows it.</summary>
public sealed record EventView(string Id, string Type, DateTimeOffset CreatedAt, JsonObject Data);
